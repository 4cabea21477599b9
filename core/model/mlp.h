// MLP with a logits head (and optionally a scalar energy head), with an analytic input
// gradient for SGLD: no autograd graph in the sampler's inner loop.
#pragma once
#include <string>
#include <vector>

#include "core/model/energy_net.h"

namespace jem {

struct MlpOptions {
  int in_dim = 2;
  int width = 128;
  int depth = 3;
  int n_classes = 2;
  std::string activation = "silu";  // silu | leaky_relu | relu
  bool uncond = false;
};

class Mlp : public EnergyNet {
 public:
  Mlp(const MlpOptions& o, at::Generator& gen);
  NetOutput forward_all(const at::Tensor& x) override;
  std::pair<at::Tensor, at::Tensor> score(const at::Tensor& x, const at::Tensor& y) override;
  int n_classes() const override { return opt_.n_classes; }
  const MlpOptions& options() const { return opt_; }

 private:
  at::Tensor act(const at::Tensor& z) const;
  // Consumes the pre-activation z: returns {act(z), act'(z)} computed in one pass.
  std::pair<at::Tensor, at::Tensor> act_and_grad(at::Tensor z) const;

  MlpOptions opt_;
  std::vector<torch::nn::Linear> hidden_;
  torch::nn::Linear head_{nullptr};
  torch::nn::Linear energy_head_{nullptr};
};

}  // namespace jem
