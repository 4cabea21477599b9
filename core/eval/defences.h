// JEM's two defences against adversarial inputs, at the torch level: the official refined
// logits (attack_model.py: n_dup_chains copies of the input, each with refine_sigma noise, run
// n_steps_refine SGLD steps of sgld_lr with sgld_sigma noise, logits averaged) and purification
// (purify_steps of x -= purify_lr grad E(x), plus purify_noise). Both stay in the data box.
#pragma once
#include <ATen/ATen.h>

#include <string>

#include "core/eval/pgd.h"

namespace jem {

struct TrainerState;
class EnergyNet;

// The model in eval mode for the scope (dropout and batch norm fixed), back to train after.
class EvalModeScope {
 public:
  explicit EvalModeScope(EnergyNet& net);
  ~EvalModeScope();
  EvalModeScope(const EvalModeScope&) = delete;
  EvalModeScope& operator=(const EvalModeScope&) = delete;

 private:
  EnergyNet& net_;
};

class Defences {
 public:
  // points: the rows to be attacked; the box is the data box widened to hold them all.
  Defences(TrainerState& t, const at::Tensor& points);

  at::Tensor plain_logits(const at::Tensor& x) const;
  // trail (optional): [steps+1, rows, D] every step of every chain.
  at::Tensor refined_points(const at::Tensor& x, at::Generator& gen, at::Tensor* trail = nullptr) const;  // [B*n_dup, D]
  at::Tensor purified(const at::Tensor& x, at::Generator& gen, at::Tensor* trail = nullptr) const;
  // "plain" | "refined" | "purified", without gradients.
  at::Tensor defended_logits(const std::string& defence, const at::Tensor& x, at::Generator& gen) const;
  // The attacked loss's gradient through that defence. Refinement and purification pass the
  // gradient straight through (taken at the defended input, BPDA), as the official attack does
  // through its in-place SGLD updates; their noise comes from gen, fresh at each PGD step.
  LossGradFn loss_grad(const std::string& defence, at::Generator& gen) const;

  at::Tensor lo, hi;  // [D]

 private:
  at::Tensor langevin(const at::Tensor& x, int steps, double lr, double noise, at::Generator& gen,
                      at::Tensor* trail) const;
  TrainerState& t_;
};

}  // namespace jem
