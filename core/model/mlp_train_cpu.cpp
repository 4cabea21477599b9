// The MLP's training step without an autograd graph through its layers: forward_train keeps each
// layer's activation and derivative (the fused activation computes both in one pass) and returns
// the logits (and the scalar head) as autograd leaves, so only the loss's own few operations are
// recorded; backward_from runs the loss's backward to those leaves, then the layers' backward by
// hand, accumulating into each parameter's .grad exactly where autograd would.
#include <torch/autograd.h>

#include "core/model/mlp.h"
#include "core/model/precision.h"

namespace jem {

namespace {

bool takes_hand_backward(const at::Tensor& x, const at::Tensor& w) {
  return x.is_cpu() && x.scalar_type() == at::kFloat && w.scalar_type() == at::kFloat && x.dim() == 2 &&
         !autocast_enabled(at::kCPU) && torch::autograd::GradMode::is_enabled();
}

void accumulate(at::Tensor param, const at::Tensor& g) {  // a handle: the same parameter
  at::Tensor& grad = param.mutable_grad();
  if (grad.defined()) grad.add_(g);
  else grad = g;
}

// d loss / d W = g^T a and d loss / d b = sum of g's rows, for a layer y = a W^T + b.
void accumulate_linear(torch::nn::Linear& l, const at::Tensor& g, const at::Tensor& a) {
  accumulate(l->weight, at::mm(g.t(), a));
  accumulate(l->bias, g.sum(0));
}

}  // namespace

NetOutput Mlp::forward_train(const at::Tensor& x) {
  train_ = {};
  if (!takes_hand_backward(x, head_->weight)) return forward_all(x);
  at::Tensor h = x.contiguous();
  train_.x = h;
  {
    torch::NoGradGuard no_grad;
    for (auto& l : hidden_) {
      auto [a, d] = act_and_grad(at::addmm(l->bias, h, l->weight.t()));
      train_.act.push_back(a);
      train_.deriv.push_back(d);
      h = a;
    }
    train_.logits = at::addmm(head_->bias, h, head_->weight.t()).requires_grad_(true);
    if (opt_.uncond) train_.energy = at::addmm(energy_head_->bias, h, energy_head_->weight.t()).requires_grad_(true);
  }
  NetOutput out;
  out.logits = train_.logits;
  out.neg_energy = opt_.uncond ? train_.energy.squeeze(1) : at::logsumexp(train_.logits, 1);
  return out;
}

void Mlp::backward_from(const at::Tensor& loss) {
  if (!train_.logits.defined()) return loss.backward();
  loss.backward();  // through the loss's operations only, to the output leaves
  torch::NoGradGuard no_grad;
  const int depth = static_cast<int>(hidden_.size());
  const at::Tensor& last = train_.act[depth - 1];
  at::Tensor g;  // d loss / d (last hidden activation)
  if (train_.logits.grad().defined()) {
    const at::Tensor gl = train_.logits.grad();
    accumulate_linear(head_, gl, last);
    g = at::mm(gl, head_->weight);
  }
  if (train_.energy.defined() && train_.energy.grad().defined()) {
    const at::Tensor ge = train_.energy.grad();
    accumulate_linear(energy_head_, ge, last);
    g = g.defined() ? g.addmm_(ge, energy_head_->weight) : at::mm(ge, energy_head_->weight);
  }
  if (!g.defined()) return (void)(train_ = {});  // the loss does not depend on the outputs
  for (int i = depth - 1; i >= 0; --i) {
    g.mul_(train_.deriv[i]);  // d loss / d (pre-activation of layer i)
    accumulate_linear(hidden_[i], g, i > 0 ? train_.act[i - 1] : train_.x);
    if (i > 0) g = at::mm(g, hidden_[i]->weight);
  }
  train_ = {};
}

}  // namespace jem
