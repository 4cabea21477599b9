// Plain-array views of a training run, for the window, the runner's snapshots and the CLI.
// No torch here: these cross from the trainer thread to the UI by value.
#pragma once
#include <algorithm>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "core/data/box.h"

namespace jem {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// One training iteration's figures (NaN where a term was not computed).
struct StepStats {
  int64_t step = 0;
  double loss = kNaN, l_px = kNaN, l_pyx = kNaN, l_pxy = kNaN, l_reg = kNaN;
  double acc = kNaN;          // on the training batch
  double f_data = kNaN;       // mean -E(x) on data
  double f_q = kNaN;          // mean -E(x) on SGLD samples
  double gap = kNaN;          // f_data - f_q
  double grad_norm = kNaN;    // parameter gradient norm
  double sgld_grad_norm = kNaN;  // mean ||grad_x|| along the chains
  double lr = kNaN;
  double wall_s = 0;          // seconds since the run started
  double test_acc = kNaN;     // set on evaluation iterations
  double test_nll = kNaN;     // exact -log p(x_test) by quadrature (2D), evaluation iterations
  double kl_true = kNaN;      // KL(p_true || p_model) where the data density is analytic
  // The density the chains sample, exp(beta f) / Z_beta (chains_beta), on evaluation iterations.
  double test_nll_chains = kNaN, kl_chains = kNaN;
  double accept_rate = kNaN;  // MALA: share of proposals accepted this iteration
  double sampler_step = kNaN; // the step the chains took (sgld_lr, or MALA's adapted step)
  // Sample quality on 2D evaluation iterations: squared MMD between buffer and test data; the
  // smallest and largest share of a mode in the buffer (datasets with modes, 8 Gaussians); the
  // buffer's and the long-run probe's histogram KL to exp(beta f), and what an exact sampler with
  // as many draws scores (the floor: a converged sampler scores about that).
  double mmd2 = kNaN, mode_share_min = kNaN, mode_share_max = kNaN;
  double buffer_kl = kNaN, probe_kl = kNaN, probe_kl_floor = kNaN;
};

// Copies the evaluation's fields (test_acc to probe_kl_floor) into a row of the same step.
void merge_evaluation(StepStats& row, const StepStats& eval);

// The divergence guard tripped: training was rolled back to `rolled_back_to`.
struct GuardEvent {
  int64_t step = 0;
  std::string quantity;  // "loss", "gradient norm", ...
  double value = 0;
  int64_t rolled_back_to = 0;
  std::string message() const;
};

// Energies on a res x res grid of cell centres over `box`; row-major, y outer, x inner.
struct FieldGrid {
  Box box;
  int res = 0;
  int n_classes = 0;
  double beta = 1;                // the chains sample exp(beta f) (chains_beta; inf without noise)
  std::vector<float> neg_energy;  // -E(x) = log p(x) + log Z
  std::vector<float> logits;      // [res*res*K]
  std::vector<float> probs;       // p(y|x), [res*res*K]
  // The drift field: the deterministic part of an SGLD step, step * grad_x f(x) with f the
  // chains' score logsumexp_y f(x)[y], at the centres of a coarser drift_res x drift_res grid over
  // the same box (same order); and the std of the step's noise (per coordinate), for comparison.
  int drift_res = 0;
  std::vector<float> drift;       // [drift_res*drift_res*2]
  double drift_step = 0, noise_std = 0;
  double compute_s = 0;           // the seconds the runner took to compute this grid
};

// How often the runner refreshes the grid while training: at most every 0.1 s, at most every 20 x
// its cost (~5 % of the trainer's time), and no more often than the window draws it (drawn_every_s).
inline double field_refresh_interval(double compute_s, double drawn_every_s) {
  return std::max({0.1, 20 * compute_s, drawn_every_s});
}

// A few images as 8-bit RGB tiles for the window (grey images are repeated on three channels).
struct ImageGrid {
  int n = 0, height = 0, width = 0;
  std::vector<uint8_t> rgb;  // [n * height * width * 3], each image row-major, RGB interleaved
  std::vector<int> label;    // per image: class slot or class; -1 when unknown
  std::vector<int> age;      // per image: SGLD steps since reinit (buffer views), else empty
  std::vector<int> pred;     // per image: the model's argmax class, when computed
};

// 2D data: every buffer point. Images: a grid of slots spread over the buffer (a whole CIFAR
// buffer is 120 MB of floats; the window shows what fits on screen).
struct BufferView {
  std::vector<float> xy;       // [N*2]
  std::vector<int> slot_class; // class owning each slot
  std::vector<int> age;        // SGLD steps since reinit
  ImageGrid images;
  int64_t size = 0;            // slots in the buffer
};

// The flight recorder's record of one iteration's SGLD chains, every step of every chain.
struct ChainTrace {
  int64_t iteration = 0;  // the training iteration that drew these chains
  int n_steps = 0, n_chains = 0, dim = 0;
  double step_size = 0;   // sgld_lr: drift = step_size * ||grad||
  bool replayable = false;  // the model and RNG state were kept (not for very large models)
  std::vector<float> x;   // [(n_steps+1) * n_chains * dim], step-major; empty for images
  std::vector<float> energy, grad_norm, noise_norm;  // [n_steps * n_chains], step-major
  float drift_norm(int t, int c) const { return float(step_size) * grad_norm[size_t(t) * n_chains + c]; }
};

struct Trajectories {
  int n_steps = 0, n_chains = 0;
  std::vector<float> xy;   // [(n_steps+1) * n_chains * 2], step-major (2D data)
  std::vector<int> label;  // class of conditional chains, -1 for p(x) chains
  ImageGrid film;          // images: the first chain at every step (a film strip)
};

struct DataView {
  Box box;
  int n_classes = 0;
  std::vector<float> xy;  // training points [N*2] (2D data)
  std::vector<int> label;
  ImageGrid images;       // image data: some training images
  std::vector<int64_t> image_shape;  // {C,H,W}; empty for points
  bool has_true_density = false;     // the data's density is analytic (8 Gaussians, checkerboard): KL is shown
};

}  // namespace jem
