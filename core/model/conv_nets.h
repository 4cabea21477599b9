// Image models: the Wide-ResNet of the official JEM code (pre-activation blocks, optional norm,
// LeakyReLU(0.2) or Swish, dropout between the two convolutions, global average pooling, a
// logits head and optionally a scalar energy head) and a small CNN for CPU demos. Both take
// flattened rows [B, C*H*W] like every model here and reshape them.
#pragma once
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/model/energy_net.h"
#include "core/model/wrn_dnnl.h"

namespace jem {

struct ConvNetOptions {
  std::vector<int64_t> image_shape;  // {C,H,W}
  int n_classes = 10;
  std::string activation = "leaky_relu";  // leaky_relu | silu | relu
  std::string norm = "none";              // none | batch | group
  double dropout = 0;
  bool uncond = false;
  bool channels_last = false;
  int cnn_width = 128;  // SmallCnn channels: width/4, width/2, width
  int depth = 28;  // WRN: 6n+4
  int widen = 10;  // WRN width factor
};

// Conv, norm and activation layers shared by both models.
class ConvNetBase : public EnergyNet {
 public:
  int n_classes() const override { return opt_.n_classes; }
  NetOutput forward_all(const at::Tensor& x) override;

 protected:
  explicit ConvNetBase(const ConvNetOptions& o);
  virtual at::Tensor features(const at::Tensor& img) = 0;  // [B,F]
  void make_heads(int64_t feature_dim, at::Generator& gen);
  at::Tensor act(const at::Tensor& z) const;
  torch::nn::AnyModule norm(int64_t channels) const;
  // PyTorch's default init (fan-in uniform) for every conv and linear layer, from our generator.
  void init_parameters(at::Generator& gen);

  ConvNetOptions opt_;
  torch::nn::Linear head_{nullptr}, energy_head_{nullptr};
};

class SmallCnn : public ConvNetBase {
 public:
  SmallCnn(const ConvNetOptions& o, at::Generator& gen);

 private:
  at::Tensor features(const at::Tensor& img) override;
  std::vector<torch::nn::Conv2d> convs_;
  std::vector<torch::nn::AnyModule> norms_;
};

class WideResNet : public ConvNetBase {
 public:
  WideResNet(const ConvNetOptions& o, at::Generator& gen);
  // On the CPU in fp32 for the official network (LeakyReLU, no norm, no dropout), through oneDNN
  // directly (wrn_dnnl.h) where the build has it and JEMLAB_NO_DNNL is unset; otherwise autograd.
  std::pair<at::Tensor, at::Tensor> score(const at::Tensor& x, const at::Tensor& y) override;
  bool dnnl_score_applies(const at::Tensor& x) const;

 private:
  struct Block {
    torch::nn::AnyModule norm1, norm2;
    torch::nn::Conv2d conv1{nullptr}, conv2{nullptr}, shortcut{nullptr};
    torch::nn::Dropout dropout{nullptr};
    int stride = 1;
  };
  at::Tensor features(const at::Tensor& img) override;
  torch::nn::Conv2d stem_{nullptr};
  std::vector<Block> blocks_;
  torch::nn::AnyModule final_norm_;
  DnnlWrnSpec dnnl_spec() const;  // the network's shapes and its parameters' current arrays
  std::unique_ptr<DnnlWrnScorer> dnnl_;  // null where the oneDNN path does not apply
  std::mutex dnnl_mutex_;  // its buffers hold one forward pass until its backward
};

}  // namespace jem
