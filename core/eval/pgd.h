// Projected gradient descent attacks (Madry et al. 2018) on any differentiable classifier, and
// the exact projections they need. Torch level: core's robustness evaluation and tests use it.
#pragma once
#include <ATen/ATen.h>

#include <functional>
#include <string>

namespace jem {

enum class AttackNorm { Linf, L2 };
AttackNorm attack_norm(const std::string& distance);  // "linf" | "l2"; throws Error otherwise

// d L / d x for a batch, where L is the attacked loss (summed cross-entropy of the defended
// classifier on the true labels y): PGD ascends it.
using LossGradFn = std::function<at::Tensor(const at::Tensor& x, const at::Tensor& y)>;

struct PgdParams {
  AttackNorm norm = AttackNorm::Linf;
  double eps = 0.1;
  double step = 0.025;       // per iteration: L-inf moves step * sign(g), L2 step * g / ||g||
  int n_steps = 40;
  bool random_start = true;  // uniform in the L-inf ball, uniform in the L2 ball
  at::Tensor lo, hi;         // [D] the data box; every iterate stays inside it
  at::Tensor* path = nullptr;  // set: [n_steps+1, B, D] every iterate, the start included
};

// The exact Euclidean projection of x onto {z : ||z - x0|| <= eps} intersected with the box
// [lo, hi] (x0 inside both), row by row. L-inf: a clamp per coordinate. L2: for the Lagrange
// multiplier m >= 0, z(m) = clamp((x + m x0) / (1 + m), lo, hi) is the minimiser over the box and
// ||z(m) - x0|| falls as m grows; the smallest m that reaches eps is found by bisection.
at::Tensor project_ball_box(const at::Tensor& x, const at::Tensor& x0, double eps, AttackNorm norm,
                            const at::Tensor& lo, const at::Tensor& hi);

// The attack from x0 (rows inside the box): random start, then n_steps ascents, each projected.
at::Tensor pgd_attack(const LossGradFn& loss_grad, const at::Tensor& x0, const at::Tensor& y, const PgdParams& p,
                      at::Generator& gen);

// The loss gradient of a plain differentiable logits function (autograd, summed cross-entropy).
LossGradFn cross_entropy_grad(const std::function<at::Tensor(const at::Tensor&)>& logits);

}  // namespace jem
