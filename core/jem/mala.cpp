// Metropolis-adjusted Langevin (Roberts & Tweedie 1996): the Langevin step as a proposal,
//   x' = x + a g(x) + sqrt(2a) xi,   g = grad log pi,
// accepted with probability min(1, pi(x') q(x|x') / (pi(x) q(x'|x))), where
//   log q(x'|x) = -|x' - x - a g(x)|^2 / (4a).
// The chain's stationary density is exactly pi = exp(s) whatever the step; a clipped gradient is
// just another proposal, so the ratio stays exact when it uses the clipped g at both ends.
#include <torch/nn.h>

#include <cmath>
#include <vector>

#include "core/jem/sgld.h"
#include "core/util/parallel_blocks.h"

namespace jem {
namespace {

at::Tensor row_sq_norm(const at::Tensor& v) { return v.flatten(1).pow(2).sum(1); }

}  // namespace

SgldResult run_mala(const ScoreFn& score, const at::Tensor& x0, const at::Tensor& y, const SgldParams& p,
                    at::Generator& gen) {
  const int64_t B = x0.size(0);
  const int record = static_cast<int>(std::min<int64_t>(p.record, B));
  const double a = p.step, sd = std::sqrt(2.0 * p.step);
  SgldResult r;
  r.x = x0.detach().clone();
  at::Tensor xi, log_u;
  if (p.n_steps > 0) {
    OneOmpThread serial;  // as in run_sgld: the up-front draws stay on this thread
    xi = at::randn({p.n_steps, B, x0.size(1)}, gen, x0.options());
    log_u = at::log(at::rand({p.n_steps, B}, gen, x0.options().dtype(at::kDouble)));
  }
  chain_loop::start_recording(r, p, record, xi, sd);
  SgldTrace* tr = p.trace;
  // Per block, summed in block order: the same sums whichever thread ran which block.
  std::vector<double> block_norms(size_t(chain_loop::chain_blocks(p, x0)), 0.0), block_accepted(block_norms.size(), 0.0);
  auto clip = [&](at::Tensor g) { return p.clip_grad > 0 ? g.clamp(-p.clip_grad, p.clip_grad) : g; };

  auto advance = [&](int64_t b, int64_t e) {
    torch::NoGradGuard no_grad;
    at::Tensor xs = r.x.narrow(0, b, e - b);
    at::Tensor ys = y.defined() ? y.narrow(0, b, e - b) : at::Tensor();
    const int64_t rec_end = std::min<int64_t>(e, record);
    auto [g0, s0] = score(xs, ys);
    at::Tensor g = clip(g0), s = s0.to(at::kDouble);
    double norms = 0, acc = 0;
    for (int t = 0; t < p.n_steps; ++t) {
      if (tr) {
        tr->energy[t].narrow(0, b, e - b).copy_(-s);
        tr->grad_norm[t].narrow(0, b, e - b).copy_(g.flatten(1).norm(2, 1));
      }
      norms += g.flatten(1).norm(2, 1).sum().item<double>();
      at::Tensor step_noise = xi[t].narrow(0, b, e - b) * sd;
      at::Tensor xp = xs + a * g + step_noise;
      auto [gp0, sp0] = score(xp, ys);
      at::Tensor gp = clip(gp0), sp = sp0.to(at::kDouble);
      // log q(x'|x) = -|sqrt(2a) xi|^2 / 4a; log q(x|x') = -|x - x' - a g'|^2 / 4a.
      at::Tensor log_ratio = sp - s + (row_sq_norm(step_noise) - row_sq_norm(xs - xp - a * gp)).to(at::kDouble) / (4 * a);
      at::Tensor ok = log_u[t].narrow(0, b, e - b) < log_ratio;
      if (p.lo.defined()) ok = ok & (xp >= p.lo).all(1) & (xp <= p.hi).all(1);
      at::Tensor okx = ok.unsqueeze(1);
      xs.copy_(at::where(okx, xp, xs));
      g = at::where(okx, gp, g);
      s = at::where(ok, sp, s);
      acc += ok.sum().item<double>();
      if (b < rec_end) r.trajectory[t + 1].narrow(0, b, rec_end - b).copy_(xs.narrow(0, 0, rec_end - b));
      if (tr && tr->keep_x) tr->x[t + 1].narrow(0, b, e - b).copy_(xs);
    }
    block_norms[size_t(b / chain_loop::kChainsPerBlock)] = norms;
    block_accepted[size_t(b / chain_loop::kChainsPerBlock)] = acc;
  };

  chain_loop::for_chain_blocks(p, x0, advance);
  double grad_norm_sum = 0, accepted = 0;
  for (size_t k = 0; k < block_norms.size(); ++k) grad_norm_sum += block_norms[k], accepted += block_accepted[k];
  if (p.n_steps > 0) {
    r.mean_grad_norm = grad_norm_sum / (double(B) * p.n_steps);
    r.accept_rate = accepted / (double(B) * p.n_steps);
  }
  return r;
}

}  // namespace jem
