#include "core/jem/sgld.h"

#include <ATen/Parallel.h>
#include <torch/nn.h>

#include <mutex>

namespace jem {

SgldResult run_sgld(const ScoreFn& score, const at::Tensor& x0, const at::Tensor& y, const SgldParams& p,
                    at::Generator& gen) {
  const int64_t B = x0.size(0);
  const int record = static_cast<int>(std::min<int64_t>(p.record, B));
  SgldResult r;
  r.x = x0.detach().clone();
  at::Tensor noise;
  if (p.noise_std > 0 && p.n_steps > 0) noise = at::randn({p.n_steps, B, x0.size(1)}, gen, x0.options()) * p.noise_std;
  if (record > 0) {
    r.trajectory = at::empty({p.n_steps + 1, record, x0.size(1)}, x0.options());
    r.trajectory[0].copy_(r.x.narrow(0, 0, record));
  }
  at::Tensor grad_norm_sum = at::zeros({}, x0.options());
  std::mutex sum_mutex;

  auto advance = [&](int64_t b, int64_t e) {
    torch::NoGradGuard no_grad;
    at::Tensor xs = r.x.narrow(0, b, e - b);  // a view: updates land in r.x
    at::Tensor ys = y.defined() ? y.narrow(0, b, e - b) : at::Tensor();
    const int64_t rec_end = std::min<int64_t>(e, record);
    at::Tensor norms = at::zeros({}, x0.options());
    for (int t = 0; t < p.n_steps; ++t) {
      at::Tensor g = score(xs, ys).first;
      if (p.clip_grad > 0) g = g.clamp(-p.clip_grad, p.clip_grad);
      norms += g.norm(2, 1).sum();
      xs.add_(g, p.step);
      if (noise.defined()) xs.add_(noise[t].narrow(0, b, e - b));
      if (p.lo.defined()) xs.copy_(at::minimum(at::maximum(xs, p.lo), p.hi));
      if (b < rec_end) r.trajectory[t + 1].narrow(0, b, rec_end - b).copy_(xs.narrow(0, 0, rec_end - b));
    }
    std::lock_guard<std::mutex> lock(sum_mutex);
    grad_norm_sum += norms;
  };

  const int threads = at::get_num_threads();
  if (x0.is_cpu() && threads > 1 && B >= 64) {
    at::parallel_for(0, B, (B + threads - 1) / threads, advance);
  } else {
    advance(0, B);
  }
  if (p.n_steps > 0) r.mean_grad_norm = grad_norm_sum.item<double>() / (double(B) * p.n_steps);
  return r;
}

}  // namespace jem
