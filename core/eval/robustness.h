// Adversarial robustness of a trained model: PGD attacks (L-inf or L2) on the plain classifier
// and on its two JEM defences, the official refined logits (the mean over n_dup_chains SGLD
// chains of n_steps_refine steps from the input) and purification (purify_steps of energy
// descent, then classify). One code path for 2D points and images. Torch-free API; the knobs
// are Settings' robustness group.
#pragma once
#include <string>
#include <vector>

#include "core/jem/views.h"
#include "core/params/settings.h"

namespace jem {

class Trainer;

// The defended classifiers, in the order results list them ("plain" always; "refined" when
// n_steps_refine > 0; "purified" when purify_steps > 0).
std::vector<std::string> defence_names(const Settings& s);

struct RobustnessEval {
  std::string distance;             // linf | l2
  std::vector<double> eps;          // ascending
  std::vector<std::string> defences;
  // [defence][eps]: share of the attacked test points still classified correctly. Each defence
  // faces the plain classifier's PGD adversarial and, with attack_through_defence, one through
  // itself too; a point counts as broken at eps once any of them at any radius <= eps broke it
  // (the balls are nested, so that adversarial is valid at eps too): accuracy never rises with eps.
  std::vector<std::vector<double>> accuracy;
  std::vector<double> clean;        // [defence] accuracy on the unattacked points
  int64_t n_points = 0;
  int n_steps = 0;
  bool through_defence = false;
  // Images: the first few attacked test images at the largest eps, three rows: clean,
  // adversarial and purified (refined's first chain when purification is off), each tile with the
  // prediction of the classifier that row shows (plain, plain, defended).
  ImageGrid examples;
  std::vector<std::string> example_rows;
  double seconds = 0;
};
// Read-only: the model, the buffer and the training RNG are left as they were (seeded from the
// run's seed, so a repeat gives the same figures).
RobustnessEval eval_robustness(Trainer& t);

// One 2D point attacked at radius eps and defended, every step kept for the window.
struct AttackPath {
  float x = 0, y = 0;
  int label = 0;
  double eps = 0;
  std::string distance;
  std::string attacked;             // the classifier PGD ascended: "plain", or a defence's name
  std::vector<float> attack_xy;     // [(n_steps+1)*2] PGD iterates, the start first
  std::vector<int> attack_pred;     // the plain prediction at each iterate
  std::vector<float> purify_xy;     // [(purify_steps+1)*2] from the adversarial point; empty when off
  std::vector<int> purify_pred;
  std::vector<float> purify_energy; // E(x) along it
  int refine_chains = 0, refine_steps = 0;
  std::vector<float> refine_xy;     // [(refine_steps+1)*refine_chains*2], step-major
  int refined_pred = -1;            // the refined logits' class at the adversarial point
};
AttackPath attack_point(Trainer& t, float x, float y, int label, double eps);
// The k-th of a fixed random order over the test set: {x, y, label}.
struct LabelledPoint {
  float x = 0, y = 0;
  int label = 0;
};
LabelledPoint test_point(Trainer& t, uint64_t k);
LabelledPoint nearest_test_point(Trainer& t, float x, float y);

}  // namespace jem
