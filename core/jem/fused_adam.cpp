#include "core/jem/fused_adam.h"

#include <cmath>

#include "core/jem/optimizer_state.h"
#include "core/model/adam_kernel.h"

namespace jem {

namespace {

bool plain_float(const at::Tensor& t) { return t.is_cpu() && t.scalar_type() == at::kFloat && t.is_contiguous(); }

}  // namespace

bool FusedAdam::fused_applies() const {
  for (const auto& group : param_groups_) {
    if (static_cast<const torch::optim::AdamOptions&>(group.options()).amsgrad()) return false;
    for (const auto& p : group.params()) {
      if (!p.grad().defined()) continue;
      if (!plain_float(p) || p.grad().is_sparse() || !plain_float(p.grad())) return false;
      const auto it = state_.find(state_key(p));  // moments as loaded from a checkpoint
      if (it == state_.end()) continue;
      const auto& s = static_cast<const torch::optim::AdamParamState&>(*it->second);
      if (!plain_float(s.exp_avg()) || !plain_float(s.exp_avg_sq())) return false;
    }
  }
  return true;
}

at::Tensor FusedAdam::step(LossClosure closure) {
  if (!fused_applies()) return torch::optim::Adam::step(std::move(closure));
  torch::NoGradGuard no_grad;
  at::Tensor loss;
  if (closure) {
    at::AutoGradMode enable_grad(true);
    loss = closure();
  }
  for (auto& group : param_groups_) {
    const auto& o = static_cast<const torch::optim::AdamOptions&>(group.options());
    for (auto& p : group.params()) {
      if (!p.grad().defined()) continue;
      auto& slot = state_[state_key(p)];
      if (!slot) {  // as torch's Adam starts a parameter's state
        auto fresh = std::make_unique<torch::optim::AdamParamState>();
        fresh->step(0);
        fresh->exp_avg(at::zeros_like(p, at::MemoryFormat::Preserve));
        fresh->exp_avg_sq(at::zeros_like(p, at::MemoryFormat::Preserve));
        slot = std::move(fresh);
      }
      auto& s = static_cast<torch::optim::AdamParamState&>(*slot);
      s.step(s.step() + 1);
      const auto [beta1, beta2] = o.betas();
      AdamScalars a{float(beta1), float(beta2), float(o.eps()), float(o.weight_decay()),
                    float(o.lr() / (1 - std::pow(beta1, double(s.step())))),
                    float(std::sqrt(1 - std::pow(beta2, double(s.step()))))};
      adam_update(p.data_ptr<float>(), p.grad().data_ptr<float>(), s.exp_avg().data_ptr<float>(),
                  s.exp_avg_sq().data_ptr<float>(), p.numel(), a);
    }
  }
  return loss;
}

}  // namespace jem
