#include "core/model/mlp.h"

#include <torch/autograd.h>

#include <algorithm>
#include <cmath>
#include <tuple>

#include "core/model/fused_activation.h"
#include "core/model/mlp_kernels.h"
#include "core/util/error.h"

namespace jem {

std::pair<at::Tensor, at::Tensor> EnergyNet::score(const at::Tensor& x, const at::Tensor& y) {
  torch::AutoGradMode enable(true);
  at::Tensor xr = x.detach().requires_grad_(true);
  NetOutput out = forward_all(xr);
  at::Tensor s = y.defined() ? out.logits.gather(1, y.unsqueeze(1)).squeeze(1) : out.neg_energy;
  at::Tensor g = torch::autograd::grad({s.sum()}, {xr})[0];
  return {g.detach(), s.detach()};
}

void EnergyNet::backward_from_logit_grads(const at::Tensor&) {
  throw Error("backward_from_logit_grads: this model takes its gradients through autograd");
}

namespace {

// PyTorch's default Linear init (Kaiming-uniform weights, fan-in bias), drawn from our generator.
void init_linear(torch::nn::Linear& l, at::Generator& gen) {
  torch::NoGradGuard no_grad;
  const double fan_in = static_cast<double>(l->weight.size(1));
  const double bound = 1.0 / std::sqrt(fan_in);
  l->weight.uniform_(-bound, bound, gen);
  l->bias.uniform_(-bound, bound, gen);
}

}  // namespace

Mlp::Mlp(const MlpOptions& o, at::Generator& gen) : opt_(o) {
  if (o.activation != "silu" && o.activation != "leaky_relu" && o.activation != "relu")
    throw Error("activation: unknown activation '" + o.activation + "'");
  int in = o.in_dim;
  for (int i = 0; i < o.depth; ++i) {
    hidden_.push_back(register_module("fc" + std::to_string(i), torch::nn::Linear(in, o.width)));
    init_linear(hidden_.back(), gen);
    in = o.width;
  }
  head_ = register_module("head", torch::nn::Linear(in, o.n_classes));
  init_linear(head_, gen);
  if (o.uncond) {
    energy_head_ = register_module("energy_head", torch::nn::Linear(in, 1));
    init_linear(energy_head_, gen);
  }
}

at::Tensor Mlp::act(const at::Tensor& z) const {
  if (opt_.activation == "silu") return at::silu(z);
  if (opt_.activation == "leaky_relu") return at::leaky_relu(z, 0.2);
  return at::relu(z);
}

std::pair<at::Tensor, at::Tensor> Mlp::act_and_grad(at::Tensor z) const {
  const bool silu = opt_.activation == "silu";
  const float slope = opt_.activation == "leaky_relu" ? 0.2f : 0.0f;
  if (z.is_cpu() && z.scalar_type() == at::kFloat && z.is_contiguous()) {
    at::Tensor d = at::empty_like(z);
    if (silu) silu_and_grad(z.data_ptr<float>(), d.data_ptr<float>(), z.numel());
    else leaky_relu_and_grad(z.data_ptr<float>(), d.data_ptr<float>(), z.numel(), slope);
    return {z, d};
  }
  if (silu) {
    at::Tensor s = at::sigmoid(z);
    at::Tensor a = z * s;
    return {a, s + a * (1 - s)};
  }
  at::Tensor d = at::where(z > 0, at::ones_like(z), at::full_like(z, slope));
  return {z * d, d};
}

NetOutput Mlp::forward_all(const at::Tensor& x) {
  if (takes_hand_inference(x)) return forward_cpu(x);
  at::Tensor h = x;
  for (auto& l : hidden_) h = act(l->forward(h));
  NetOutput out;
  out.logits = head_->forward(h);
  out.neg_energy = opt_.uncond ? energy_head_->forward(h).squeeze(1) : at::logsumexp(out.logits, 1);
  return out;
}

namespace {

// {logsumexp, softmax} along dim 1. With few classes ATen's row-wise kernels cost more than the
// arithmetic, so small contiguous CPU inputs take a plain loop.
std::pair<at::Tensor, at::Tensor> logsumexp_and_softmax(const at::Tensor& logits) {
  if (!(logits.is_cpu() && logits.scalar_type() == at::kFloat && logits.is_contiguous() && logits.size(1) <= 64)) {
    at::Tensor lse = at::logsumexp(logits, 1);
    return {lse, at::exp(logits - lse.unsqueeze(1))};
  }
  at::Tensor lse = at::empty({logits.size(0)}, logits.options()), soft = at::empty_like(logits);
  logsumexp_softmax_rows(logits.data_ptr<float>(), logits.size(0), int(logits.size(1)), lse.data_ptr<float>(),
                         soft.data_ptr<float>());
  return {lse, soft};
}

}  // namespace

std::pair<at::Tensor, at::Tensor> Mlp::score(const at::Tensor& x, const at::Tensor& y) {
  torch::NoGradGuard no_grad;
  if (cpu_score_applies(x)) return score_cpu(x, y);
  // Forward, keeping each layer's activation derivative for the backward pass.
  std::vector<at::Tensor> grads;
  at::Tensor h = x;
  for (auto& l : hidden_) {
    auto [a, d] = act_and_grad(at::addmm(l->bias, h, l->weight.t()));
    h = a;
    grads.push_back(d);
  }
  // Gradient of the score w.r.t. the last hidden activation.
  at::Tensor s, g;
  if (y.defined()) {
    at::Tensor logits = at::addmm(head_->bias, h, head_->weight.t());
    s = logits.gather(1, y.unsqueeze(1)).squeeze(1);
    g = head_->weight.index_select(0, y);  // one-hot(y) @ W
  } else if (opt_.uncond) {
    s = at::addmm(energy_head_->bias, h, energy_head_->weight.t()).squeeze(1);
    g = energy_head_->weight.expand({h.size(0), h.size(1)});
  } else {
    at::Tensor logits = at::addmm(head_->bias, h, head_->weight.t());
    at::Tensor soft;
    std::tie(s, soft) = logsumexp_and_softmax(logits);
    g = at::mm(soft, head_->weight);  // d lse / d logits = softmax
  }
  for (int i = static_cast<int>(hidden_.size()) - 1; i >= 0; --i) {
    g = g.is_contiguous() && !g.is_same(grads[i]) ? g.mul_(grads[i]) : g * grads[i];
    g = at::mm(g, hidden_[i]->weight);
  }
  return {g, s};
}

}  // namespace jem
