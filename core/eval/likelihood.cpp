// Exact 2D likelihood by quadrature, of the model's density exp(f) / Z and of the density its
// chains sample, exp(beta f) / Z_beta; and the sample-quality figures of the chains.
#include <torch/nn.h>

#include <algorithm>
#include <cmath>

#include "core/eval/evaluate.h"
#include "core/eval/quadrature.h"
#include "core/jem/chain_temperature.h"
#include "core/jem/memory_estimate.h"
#include "core/jem/trainer.h"
#include "core/jem/trainer_state.h"
#include "core/metrics/sample_quality.h"
#include "core/util/error.h"
#include "core/util/memory_budget.h"
#include "core/util/tensor_copy.h"

namespace jem {
namespace {

void require_points(const TrainerState& t, const char* what) {
  if (t.data.is_image())
    throw Error(std::string(what) + ": needs 2D data, a grid sums the normaliser (" + t.data.name + " has images)");
}

// Every `stride`-th row, so that at most max_rows remain (deterministic: no RNG is touched).
std::vector<float> thinned(const at::Tensor& x, int max_rows) {
  const int64_t n = x.size(0), stride = std::max<int64_t>(1, (n + max_rows - 1) / max_rows);
  return to_vector<float>(x.slice(0, 0, n, stride));
}

}  // namespace

Box likelihood_box(const Box& b) {
  const float cx = (b.x0 + b.x1) / 2, cy = (b.y0 + b.y1) / 2, hw = b.width() * 0.75f, hh = b.height() * 0.75f;
  return Box{cx - hw, cx + hw, cy - hh, cy + hh};
}

namespace {

// The likelihood, and f on its res/2 grid for a caller that needs those cells too.
LikelihoodEval likelihood(Trainer& tr, int res, at::Tensor* f_half_out) {
  TrainerState& t = tr.state();
  require_points(t, "nll");
  check_memory("a " + std::to_string(res) + " x " + std::to_string(res) + " quadrature grid", quadrature_bytes(res),
               "lower the resolution");
  torch::NoGradGuard no_grad;
  LikelihoodEval e;
  e.box = likelihood_box(t.data.box);
  e.res = res;
  e.beta = chains_beta(t.s);
  auto opt = at::TensorOptions().dtype(at::kFloat).device(t.device);
  t.net->eval();
  LogDensityFn f = [&](const at::Tensor& x) { return t.net->forward_all(x).neg_energy; };
  const at::Tensor f_grid = eval_on_grid(f, e.box, res, opt), f_half = eval_on_grid(f, e.box, std::max(1, res / 2), opt);
  const at::Tensor f_test = f(t.x_test).to(at::kDouble);
  t.net->train();
  at::Tensor log_true;
  if (t.data.log_p_true) {
    e.has_truth = true;
    e.true_nll = -t.data.log_p_true(t.data.x_test).to(at::kDouble).mean().item<double>();
    LogDensityFn truth = [&](const at::Tensor& x) { return t.data.log_p_true(x.to(at::kCPU)).to(x.device()); };
    log_true = eval_on_grid(truth, e.box, res, opt);
    e.entropy_true = compare_on_grid(log_true, log_true, e.box, res).entropy_true;
  }
  const double mean_f_test = f_test.mean().item<double>();
  const TemperedDensity model = tempered_density(1.0, f_grid, f_half, log_true, e.box, res);
  e.log_z = model.log_z, e.log_z_error = model.log_z_error, e.test_nll = model.log_z - mean_f_test;
  e.kl = log_true.defined() ? model.kl : 0;
  const TemperedDensity chains = e.beta == 1.0 ? model : tempered_density(e.beta, f_grid, f_half, log_true, e.box, res);
  e.log_z_chains = chains.log_z, e.log_z_chains_error = chains.log_z_error;
  e.test_nll_chains = chains.log_z - e.beta * mean_f_test;  // NaN for an infinite beta
  e.kl_chains = chains.kl;
  if (f_half_out) *f_half_out = f_half;
  return e;
}

SampleQualityEval sample_quality(Trainer& tr, int probe_steps, int max_points, int kl_points, const at::Tensor* f_fine);

}  // namespace

LikelihoodEval eval_likelihood(Trainer& tr, int res) { return likelihood(tr, res, nullptr); }

SampleQualityEval eval_sample_quality(Trainer& tr, int probe_steps, int max_points, int kl_points) {
  return sample_quality(tr, probe_steps, max_points, kl_points, nullptr);
}

DensityEval eval_density(Trainer& tr, int res, int probe_steps) {
  DensityEval d;
  at::Tensor f_half;
  d.likelihood = likelihood(tr, res, &f_half);
  // The histogram's 16 x 16 cells of 4 x 4 points are the likelihood's res/2 grid when res is 128.
  const bool shared = res / 2 == SampleQualityEval{}.hist_res * 4;
  d.samples = sample_quality(tr, probe_steps, 1024, 256, shared ? &f_half : nullptr);
  return d;
}

namespace {

SampleQualityEval sample_quality(Trainer& tr, int probe_steps, int max_points, int kl_points, const at::Tensor* f_fine) {
  TrainerState& t = tr.state();
  require_points(t, "sample quality");
  SampleQualityEval q;
  const at::Tensor buffer = t.buffer.size() > 0 ? t.buffer.x() : at::Tensor();
  const std::vector<float> test = thinned(t.x_test, max_points);
  const std::vector<float> buf = buffer.defined() ? thinned(buffer, max_points) : std::vector<float>();
  q.mmd2 = buf.empty() ? NAN : mmd2_gaussian(buf, test);
  q.mode_shares = buf.empty() ? std::vector<double>() : mode_shares(buf, t.data.modes);
  q.mode_share_min = q.mode_shares.empty() ? NAN : *std::min_element(q.mode_shares.begin(), q.mode_shares.end());
  q.mode_share_max = q.mode_shares.empty() ? NAN : *std::max_element(q.mode_shares.begin(), q.mode_shares.end());

  // exp(beta f) per histogram cell: 4 x 4 quadrature points in each.
  const double beta = chains_beta(t.s);
  q.buffer_kl = q.probe_kl = q.probe_kl_floor = NAN;
  if (!std::isfinite(beta)) return q;
  const Box box = likelihood_box(t.data.box);
  const int sub = 4, fine = q.hist_res * sub;
  at::Tensor f = f_fine ? *f_fine : at::Tensor();  // the same cells, already evaluated
  if (!f.defined()) {
    torch::NoGradGuard no_grad;
    t.net->eval();
    f = eval_on_grid([&](const at::Tensor& x) { return t.net->forward_all(x).neg_energy; }, box, fine,
                     at::TensorOptions().dtype(at::kFloat).device(t.device));
    t.net->train();
  }
  // fine cells are y outer, x inner: [H*sub, W*sub] -> [H, sub, W, sub] -> logsumexp over the subcells.
  at::Tensor cells = (beta * f).view({q.hist_res, sub, q.hist_res, sub}).permute({0, 2, 1, 3}).reshape({q.hist_res * q.hist_res, sub * sub});
  const std::vector<double> log_mass = to_vector<double>(at::logsumexp(cells, 1));
  auto kl_of = [&](const std::vector<float>& pts) { return histogram_kl(histogram_2d(pts, box, q.hist_res), log_mass); };
  const std::vector<float> kl_buf = buffer.defined() ? thinned(buffer, kl_points) : std::vector<float>();
  if (!kl_buf.empty()) q.buffer_kl = kl_of(kl_buf);
  q.probe_chains = kl_buf.empty() ? kl_points : int(kl_buf.size() / 2);
  if (probe_steps > 0) {
    q.probe_steps = probe_steps;
    q.probe_kl = kl_of(tr.sample(q.probe_chains, probe_steps, -1, false, 0x9e3779b97f4a7c15ull ^ uint64_t(t.step)));
  }
  q.probe_kl_floor = exact_sampler_kl(log_mass, q.probe_chains, 12345 + uint64_t(t.step));
  return q;
}

}  // namespace

}  // namespace jem
