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
  // On the CPU in float: no autograd graph through the layers (mlp_train_cpu.cpp).
  NetOutput forward_train(const at::Tensor& x, bool logits_only) override;
  void backward_from(const at::Tensor& loss) override;
  bool takes_logit_grads() const override { return train_.logits.defined() && !opt_.uncond; }
  void backward_from_logit_grads(const at::Tensor& d_logits) override;
  int n_classes() const override { return opt_.n_classes; }
  // Whether forward_all(x) takes the hand-written pass: no autograd, CPU floats, no autocast.
  bool takes_hand_inference(const at::Tensor& x) const;
  const MlpOptions& options() const { return opt_; }

 private:
  at::Tensor act(const at::Tensor& z) const;
  // Consumes the pre-activation z: returns {act(z), act'(z)} computed in one pass.
  std::pair<at::Tensor, at::Tensor> act_and_grad(at::Tensor z) const;
  // The fast path of score for small float inputs on the CPU (mlp_score_cpu.cpp).
  bool cpu_score_applies(const at::Tensor& x) const;
  std::pair<at::Tensor, at::Tensor> score_cpu(const at::Tensor& x, const at::Tensor& y);
  // The layers' backward pass from the gradients at the output leaves (either may be undefined).
  void backward_layers(const at::Tensor& d_logits, const at::Tensor& d_energy);
  // The hand-written forward pass (mlp_train_cpu.cpp): the weights as its products read them, and
  // rows through the layers; forward_all takes it without autograd for CPU floats.
  struct ForwardWeights;
  ForwardWeights forward_weights() const;
  template <class Act, class Deriv>
  void forward_rows(const ForwardWeights& f, const float* x, int64_t in, int64_t r, const Act& act, const Deriv& deriv,
                    float* out) const;
  NetOutput forward_cpu(const at::Tensor& x) const;
  // What both hand-written passes need of the input and the parameters (with autograd for the
  // training step's, without for inference).
  bool hand_pass_applies(const at::Tensor& x) const;

  // What forward_train keeps for backward_from: the input, each hidden layer's activation and
  // its derivative, and the output leaves; the output layers (the logits' head, then the scalar
  // head) stacked as one [n_out, width] matrix. Empty when the autograd path was taken.
  struct TrainCache {
    at::Tensor x, logits, energy;
    std::vector<at::Tensor> act, deriv;
    std::vector<float> out_w;
  };
  TrainCache train_;

  MlpOptions opt_;
  std::vector<torch::nn::Linear> hidden_;
  torch::nn::Linear head_{nullptr};
  torch::nn::Linear energy_head_{nullptr};
};

}  // namespace jem
