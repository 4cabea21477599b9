// Evaluation of a trained model: classification, calibration, OOD detection and exact 2D
// likelihood. Torch-free API over a Trainer (the CLI and the runner call it).
#pragma once
#include <string>
#include <vector>

#include "core/data/box.h"
#include "core/metrics/calibration.h"
#include "core/metrics/histogram.h"

namespace jem {

class Trainer;

struct ClassifierEval {
  double accuracy = 0;
  double nll = 0;  // mean cross-entropy on the test split
  int64_t n = 0;
};
ClassifierEval eval_classifier(Trainer& t);
Calibration eval_calibration(Trainer& t, int n_bins = 20);

// OOD sets for 2D data: "uniform" over the data box enlarged twice, "shifted" and "rotated"
// copies of the test data, or the name of another 2D dataset. For images: "noise" (uniform),
// "constant", "interp" (mean of two test images) or another image dataset read from data_dir.
std::vector<std::string> ood_dataset_names(bool images = false);

struct OodScoreResult {
  std::string score;  // px | py | pxgrad | energy
  double auroc = 0;   // test set (positive) vs the OOD set
  SharedHistograms hist;  // [test, ood] on shared bins
  // The textbook's exercise 2: the test set split by whether the classifier gets it right, on the
  // same bins: [test correct, test misclassified, ood], and each part's mean score.
  SharedHistograms split;
  double mean_correct = 0, mean_misclassified = 0, mean_ood = 0;
  int64_t n_misclassified = 0;
};
struct OodEval {
  std::string ood_dataset;
  int64_t n_in = 0, n_ood = 0;
  std::vector<OodScoreResult> scores;
};
// temperature: of the energy score of Liu et al. 2020, T * logsumexp(f(x) / T).
OodEval eval_ood(Trainer& t, const std::string& ood_dataset, double temperature = 1.0, int hist_bins = 50);

// Per-sample OOD scores of one named set ("test" for the test split).
std::vector<double> ood_scores(Trainer& t, const std::string& dataset, const std::string& score, double temperature = 1.0);

struct LikelihoodEval {
  Box box;                 // the quadrature box: the data box enlarged by half its size
  int res = 0;
  double log_z = 0, log_z_error = 0;
  double test_nll = 0;     // -mean log p_model(x_test), nats
  bool has_truth = false;  // the dataset's density is analytic
  double true_nll = 0;     // -mean log p_true(x_test): the floor a perfect model reaches
  double entropy_true = 0, kl = 0;  // H(p_true), KL(p_true || p_model) by quadrature
  // The same for the density the chains sample, exp(beta f) / Z_beta (chains_beta). NaN when
  // beta is infinite (no noise: the chains sample no density).
  double beta = 1;
  double log_z_chains = 0, log_z_chains_error = 0, test_nll_chains = 0, kl_chains = 0;
};
LikelihoodEval eval_likelihood(Trainer& t, int res = 256);
Box likelihood_box(const Box& data_box);

// How the chains' samples compare (2D only). NaN where a figure does not apply.
struct SampleQualityEval {
  double mmd2 = 0;                      // squared MMD, buffer vs test data (median-heuristic Gaussian kernel)
  std::vector<double> mode_shares;      // per mode of the data (8 Gaussians), empty otherwise
  double mode_share_min = 0, mode_share_max = 0;
  int probe_steps = 0, probe_chains = 0;
  // KL(histogram || exp(beta f)) on a coarse grid over the likelihood box, of the buffer and of
  // the probe (probe_steps more steps from the buffer, model frozen); the floor is an exact
  // sampler's score with as many draws. Buffer and probe near the floor: the chains have converged.
  double buffer_kl = 0, probe_kl = 0, probe_kl_floor = 0;
  int hist_res = 16;
};
// Read-only: the buffer, the model and the training RNG are left as they were. MMD uses up to
// max_points of each set; the histogram KLs kl_points chains (buffer, probe and exact sampler
// alike, so that they share one noise floor): the probe then costs kl_points * probe_steps chain
// steps, about five training iterations at the defaults.
SampleQualityEval eval_sample_quality(Trainer& t, int probe_steps, int max_points = 1024, int kl_points = 256);

// Both, evaluating f on the shared grid cells once (training's and the sweep's evaluations).
struct DensityEval {
  LikelihoodEval likelihood;
  SampleQualityEval samples;
};
DensityEval eval_density(Trainer& t, int res, int probe_steps);

}  // namespace jem
