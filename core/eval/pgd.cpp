#include "core/eval/pgd.h"

#include <torch/autograd.h>
#include <torch/nn/functional/loss.h>

#include <cmath>

#include "core/util/error.h"

namespace jem {
namespace {

at::Tensor row_norm(const at::Tensor& v) { return v.flatten(1).norm(2, 1).view({-1, 1}); }

at::Tensor clamp_box(const at::Tensor& x, const at::Tensor& lo, const at::Tensor& hi) {
  return lo.defined() ? at::minimum(at::maximum(x, lo), hi) : x;
}

at::Tensor random_start(const at::Tensor& x0, double eps, AttackNorm norm, at::Generator& gen) {
  if (norm == AttackNorm::Linf) return x0 + (at::rand(x0.sizes(), gen, x0.options()) * 2 - 1) * eps;
  // Uniform in the L2 ball: a uniform direction, and a radius with density proportional to r^(D-1).
  const int64_t d = x0.numel() / std::max<int64_t>(1, x0.size(0));
  at::Tensor dir = at::randn(x0.sizes(), gen, x0.options());
  dir = dir / row_norm(dir).clamp_min(1e-12);
  at::Tensor radius = at::rand({x0.size(0), 1}, gen, x0.options()).pow(1.0 / double(d)) * eps;
  return x0 + dir * radius;
}

at::Tensor ascent_direction(const at::Tensor& g, AttackNorm norm) {
  if (norm == AttackNorm::Linf) return g.sign();
  return g / row_norm(g).clamp_min(1e-12);
}

}  // namespace

AttackNorm attack_norm(const std::string& distance) {
  if (distance == "linf") return AttackNorm::Linf;
  if (distance == "l2") return AttackNorm::L2;
  throw Error("distance: '" + distance + "' is not a norm the attack knows (one of linf|l2)");
}

at::Tensor project_ball_box(const at::Tensor& x, const at::Tensor& x0, double eps, AttackNorm norm,
                            const at::Tensor& lo, const at::Tensor& hi) {
  if (norm == AttackNorm::Linf) return clamp_box(at::minimum(at::maximum(x, x0 - eps), x0 + eps), lo, hi);
  const at::Tensor d = x - x0;
  auto z_at = [&](const at::Tensor& t) { return clamp_box(x0 + d * t, lo, hi); };  // t = 1 / (1 + m)
  at::Tensor t_lo = at::zeros({x.size(0), 1}, x.options()), t_hi = at::ones({x.size(0), 1}, x.options());
  const at::Tensor inside = row_norm(z_at(t_hi) - x0) <= eps;
  // 50 halvings leave t within 1e-15 of the multiplier's root; t_lo is always feasible.
  for (int i = 0; i < 50; ++i) {
    at::Tensor mid = (t_lo + t_hi) / 2;
    at::Tensor ok = row_norm(z_at(mid) - x0) <= eps;
    t_lo = at::where(ok, mid, t_lo);
    t_hi = at::where(ok, t_hi, mid);
  }
  return z_at(at::where(inside, at::ones_like(t_lo), t_lo));
}

at::Tensor pgd_attack(const LossGradFn& loss_grad, const at::Tensor& x0, const at::Tensor& y, const PgdParams& p,
                      at::Generator& gen) {
  at::Tensor x = p.random_start && p.eps > 0 ? random_start(x0, p.eps, p.norm, gen) : x0.clone();
  x = project_ball_box(x, x0, p.eps, p.norm, p.lo, p.hi);
  if (p.path) {
    *p.path = at::empty({p.n_steps + 1, x0.size(0), x0.size(1)}, x0.options());
    (*p.path)[0].copy_(x);
  }
  for (int k = 0; k < p.n_steps; ++k) {
    if (p.eps > 0) {
      const at::Tensor g = loss_grad(x, y);
      x = project_ball_box(x + ascent_direction(g, p.norm) * p.step, x0, p.eps, p.norm, p.lo, p.hi);
    }
    if (p.path) (*p.path)[k + 1].copy_(x);
  }
  return x;
}

LossGradFn cross_entropy_grad(const std::function<at::Tensor(const at::Tensor&)>& logits) {
  return [logits](const at::Tensor& x, const at::Tensor& y) {
    torch::AutoGradMode grad_on(true);
    at::Tensor xg = x.detach().requires_grad_(true);
    at::Tensor loss = at::cross_entropy_loss(logits(xg), y, {}, at::Reduction::Sum);
    return torch::autograd::grad({loss}, {xg})[0];
  };
}

}  // namespace jem
