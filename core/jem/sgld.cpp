#include "core/jem/sgld.h"

#include <torch/nn.h>

#include <cmath>
#include <cstring>
#include <vector>

#include "core/util/parallel_blocks.h"

namespace jem {

namespace {

// The CPU chains' fast path: fp32, dense rows. Small 2D chains spend more time in ATen's per-call
// overhead than in arithmetic, so the update and every recording go through raw pointers there.
bool raw_rows(const at::Tensor& x, const at::Tensor& g, const at::Tensor& noise) {
  return x.is_cpu() && x.scalar_type() == at::kFloat && x.is_contiguous() && g.is_contiguous() &&
         g.scalar_type() == at::kFloat && (!noise.defined() || noise.is_contiguous());
}

// x += step * g + noise[t] (x being rows [b, b + rows) of all the chains), returning
// sum_i ||g_i||; row_norms (when given) receives each ||g_i||.
double langevin_update(at::Tensor& x, const at::Tensor& g, const at::Tensor& noise, int t, int64_t b, double step,
                       float* row_norms) {
  const int64_t rows = x.size(0), d = x.numel() / std::max<int64_t>(rows, 1);
  if (!raw_rows(x, g, noise)) {
    const at::Tensor n = g.flatten(1).norm(2, 1);
    if (row_norms) at::from_blob(row_norms, {n.size(0)}, at::kFloat).copy_(n);
    x.add_(g, step);
    if (noise.defined()) x.add_(noise[t].narrow(0, b, rows));
    return n.sum().item<double>();
  }
  float* xp = x.data_ptr<float>();
  const float* gp = g.data_ptr<float>();
  const float* np = noise.defined() ? noise.data_ptr<float>() + (t * noise.size(1) + b) * d : nullptr;
  const float st = static_cast<float>(step);
  double total = 0;
  for (int64_t i = 0; i < rows; ++i) {
    float sq = 0;
    for (int64_t j = i * d; j < (i + 1) * d; ++j) {
      sq += gp[j] * gp[j];
      xp[j] += st * gp[j] + (np ? np[j] : 0.0f);
    }
    const float norm = std::sqrt(sq);
    if (row_norms) row_norms[i] = norm;
    total += norm;
  }
  return total;
}

// rows [0, n) of `from` into `to` at row `at` of step `t` ([steps, R, D] recordings).
void record_rows(at::Tensor& to, int64_t t, int64_t at_row, const at::Tensor& from, int64_t n) {
  if (n <= 0) return;
  if (to.is_cpu() && to.is_contiguous() && from.is_contiguous() && to.scalar_type() == from.scalar_type() &&
      to.scalar_type() == at::kFloat) {
    const int64_t d = to.size(2);
    std::memcpy(to.data_ptr<float>() + (t * to.size(1) + at_row) * d, from.data_ptr<float>(), sizeof(float) * n * d);
  } else {
    to[t].narrow(0, at_row, n).copy_(from.narrow(0, 0, n));
  }
}

}  // namespace

namespace chain_loop {

void start_recording(SgldResult& r, const SgldParams& p, int record, const at::Tensor& noise, double noise_scale) {
  const int64_t B = r.x.size(0);
  if (record > 0) {
    r.trajectory = at::empty({p.n_steps + 1, record, r.x.size(1)}, r.x.options());
    r.trajectory[0].copy_(r.x.narrow(0, 0, record));
  }
  SgldTrace* tr = p.trace;
  if (!tr) return;
  const auto fopt = r.x.options().dtype(at::kFloat);
  tr->energy = at::zeros({p.n_steps, B}, fopt);
  tr->grad_norm = at::zeros({p.n_steps, B}, fopt);
  if (noise.defined()) {
    OneOmpThread serial;  // as the draw (run_sgld): past ATen's grain at 100 steps
    tr->noise_norm = (noise.flatten(2).norm(2, 2) * noise_scale).to(at::kFloat);
  } else {
    tr->noise_norm = at::zeros({p.n_steps, B}, fopt);
  }
  if (tr->keep_x) {
    tr->x = at::empty({p.n_steps + 1, B, r.x.size(1)}, r.x.options());
    tr->x[0].copy_(r.x);
  }
}

int64_t chain_blocks(const SgldParams& p, const at::Tensor& x0) {
  const int64_t B = x0.size(0);
  return p.split_chains && x0.is_cpu() ? std::max<int64_t>(1, (B + kChainsPerBlock - 1) / kChainsPerBlock) : 1;
}

void for_chain_blocks(const SgldParams& p, const at::Tensor& x0, const std::function<void(int64_t, int64_t)>& advance) {
  const int64_t B = x0.size(0), blocks = chain_blocks(p, x0);
  if (blocks == 1) return advance(0, B);
  parallel_blocks(blocks, [&](int64_t k) { advance(k * kChainsPerBlock, std::min(B, (k + 1) * kChainsPerBlock)); });
}

}  // namespace chain_loop

SgldResult run_sgld(const ScoreFn& score, const at::Tensor& x0, const at::Tensor& y, const SgldParams& p,
                    at::Generator& gen) {
  if (p.mala) return run_mala(score, x0, y, p, gen);
  const int64_t B = x0.size(0);
  const int record = static_cast<int>(std::min<int64_t>(p.record, B));
  SgldResult r;
  r.x = x0.detach().clone();
  at::Tensor noise;
  if (p.noise_std > 0 && p.n_steps > 0) {
    // Every step's noise up front (the chains then do not depend on the thread count), on this
    // thread alone (parallel_blocks.h: 100-step chains pass ATen's grain).
    OneOmpThread serial;
    noise = at::randn({p.n_steps, B, x0.size(1)}, gen, x0.options()) * p.noise_std;
  }
  chain_loop::start_recording(r, p, record, noise, 1.0);
  SgldTrace* tr = p.trace;
  std::vector<double> block_norms(size_t(chain_loop::chain_blocks(p, x0)), 0.0);  // summed in block order

  auto advance = [&](int64_t b, int64_t e) {
    torch::NoGradGuard no_grad;
    at::Tensor xs = r.x.narrow(0, b, e - b);  // a view: updates land in r.x
    at::Tensor ys = y.defined() ? y.narrow(0, b, e - b) : at::Tensor();
    const int64_t rec_end = std::min<int64_t>(e, record);
    double norms = 0;
    for (int t = 0; t < p.n_steps; ++t) {
      auto [g, sc] = score(xs, ys);
      if (p.clip_grad > 0) g = g.clamp(-p.clip_grad, p.clip_grad);
      float* grad_norms = nullptr;  // the trace's [n_steps, B] floats, filled by the update (CPU)
      if (tr && tr->energy.is_cpu()) {
        grad_norms = tr->grad_norm.data_ptr<float>() + t * B + b;
        float* energy = tr->energy.data_ptr<float>() + t * B + b;
        const at::Tensor scores = sc.to(at::kFloat).contiguous();
        const float* sp = scores.data_ptr<float>();
        for (int64_t i = 0; i < e - b; ++i) energy[i] = -sp[i];
      } else if (tr) {
        tr->energy[t].narrow(0, b, e - b).copy_(-sc);
        tr->grad_norm[t].narrow(0, b, e - b).copy_(g.flatten(1).norm(2, 1));
      }
      norms += langevin_update(xs, g, noise, t, b, p.step, grad_norms);
      if (p.lo.defined()) xs.copy_(at::minimum(at::maximum(xs, p.lo), p.hi));
      if (b < rec_end) record_rows(r.trajectory, t + 1, b, xs, rec_end - b);
      if (tr && tr->keep_x) record_rows(tr->x, t + 1, b, xs, e - b);
    }
    block_norms[size_t(b / chain_loop::kChainsPerBlock)] = norms;
  };

  chain_loop::for_chain_blocks(p, x0, advance);
  double grad_norm_sum = 0;
  for (double n : block_norms) grad_norm_sum += n;
  if (p.n_steps > 0) r.mean_grad_norm = grad_norm_sum / (double(B) * p.n_steps);
  return r;
}

}  // namespace jem
