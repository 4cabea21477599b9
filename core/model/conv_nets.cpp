#include "core/model/conv_nets.h"

#include <cmath>
#include <cstdlib>
#include <cstring>

#include "core/model/precision.h"
#include "core/util/error.h"

namespace jem {
namespace {

// JEMLAB_NO_DNNL=1 (anything but empty or 0): the Wide-ResNet's drift through autograd, to compare.
bool dnnl_turned_off() {
  const char* v = std::getenv("JEMLAB_NO_DNNL");
  return v && *v && std::strcmp(v, "0") != 0;
}

torch::nn::Conv2d conv(int64_t in, int64_t out, int64_t k, int64_t stride) {
  // Biases as in the official WRN (it has no norm by default, so nothing else shifts).
  return torch::nn::Conv2d(torch::nn::Conv2dOptions(in, out, k).stride(stride).padding(k / 2).bias(true));
}

}  // namespace

ConvNetBase::ConvNetBase(const ConvNetOptions& o) : opt_(o) {
  if (o.image_shape.size() != 3) throw Error("model: image models need images (C,H,W); this dataset has points");
  if (o.activation != "silu" && o.activation != "leaky_relu" && o.activation != "relu")
    throw Error("activation: unknown activation '" + o.activation + "'");
  if (o.norm != "none" && o.norm != "batch" && o.norm != "group") throw Error("norm: unknown norm '" + o.norm + "'");
}

at::Tensor ConvNetBase::act(const at::Tensor& z) const {
  if (opt_.activation == "silu") return at::silu(z);
  if (opt_.activation == "leaky_relu") return at::leaky_relu(z, 0.2);
  return at::relu(z);
}

torch::nn::AnyModule ConvNetBase::norm(int64_t channels) const {
  if (opt_.norm == "batch") return torch::nn::AnyModule(torch::nn::BatchNorm2d(channels));
  if (opt_.norm == "group")
    return torch::nn::AnyModule(torch::nn::GroupNorm(torch::nn::GroupNormOptions(std::min<int64_t>(8, channels), channels)));
  return torch::nn::AnyModule(torch::nn::Identity());
}

void ConvNetBase::make_heads(int64_t feature_dim, at::Generator& gen) {
  head_ = register_module("head", torch::nn::Linear(feature_dim, opt_.n_classes));
  if (opt_.uncond) energy_head_ = register_module("energy_head", torch::nn::Linear(feature_dim, 1));
  init_parameters(gen);
}

void ConvNetBase::init_parameters(at::Generator& gen) {
  torch::NoGradGuard no_grad;
  for (auto& m : modules(/*include_self=*/false)) {
    at::Tensor w, b;
    if (auto* c = m->as<torch::nn::Conv2d>()) w = c->weight, b = c->bias;
    else if (auto* l = m->as<torch::nn::Linear>()) w = l->weight, b = l->bias;
    else continue;
    const double bound = 1.0 / std::sqrt(static_cast<double>(w[0].numel()));  // 1/sqrt(fan_in)
    w.uniform_(-bound, bound, gen);
    if (b.defined()) b.uniform_(-bound, bound, gen);
  }
}

NetOutput ConvNetBase::forward_all(const at::Tensor& x) {
  const auto& s = opt_.image_shape;
  at::Tensor img = x.view({x.size(0), s[0], s[1], s[2]});
  if (opt_.channels_last) img = img.contiguous(at::MemoryFormat::ChannelsLast);
  at::Tensor f = features(img);
  NetOutput out;
  out.logits = head_->forward(f);
  out.neg_energy = opt_.uncond ? energy_head_->forward(f).squeeze(1) : at::logsumexp(out.logits, 1);
  return out;
}

SmallCnn::SmallCnn(const ConvNetOptions& o, at::Generator& gen) : ConvNetBase(o) {
  // width/4 -> width/2 (stride 2) -> width (stride 2) channels, then global average pooling.
  const int64_t w = std::max(4, o.cnn_width);
  const int64_t widths[] = {w / 4, w / 2, w}, strides[] = {1, 2, 2};
  int64_t in = o.image_shape[0];
  for (int i = 0; i < 3; ++i) {
    convs_.push_back(register_module("conv" + std::to_string(i), conv(in, widths[i], 3, strides[i])));
    norms_.push_back(norm(widths[i]));
    register_module("norm" + std::to_string(i), norms_.back().ptr());
    in = widths[i];
  }
  make_heads(in, gen);
}

at::Tensor SmallCnn::features(const at::Tensor& img) {
  at::Tensor h = img;
  for (size_t i = 0; i < convs_.size(); ++i) h = act(norms_[i].forward(convs_[i]->forward(h)));
  return h.mean({2, 3});
}

WideResNet::WideResNet(const ConvNetOptions& o, at::Generator& gen) : ConvNetBase(o) {
  if (o.depth < 10 || (o.depth - 4) % 6 != 0) throw Error("model: Wide-ResNet depth must be 6n+4 (10, 16, 22, 28, ...)");
  const int n = (o.depth - 4) / 6;
  const int64_t widths[] = {16 * o.widen, 32 * o.widen, 64 * o.widen};
  stem_ = register_module("stem", conv(o.image_shape[0], 16, 3, 1));
  int64_t in = 16;
  for (int g = 0; g < 3; ++g) {
    for (int i = 0; i < n; ++i) {
      Block b;
      b.stride = (i == 0 && g > 0) ? 2 : 1;
      const std::string name = "block" + std::to_string(g) + "_" + std::to_string(i);
      b.norm1 = norm(in);
      b.conv1 = register_module(name + "_conv1", conv(in, widths[g], 3, 1));
      b.norm2 = norm(widths[g]);
      b.conv2 = register_module(name + "_conv2", conv(widths[g], widths[g], 3, b.stride));
      register_module(name + "_norm1", b.norm1.ptr());
      register_module(name + "_norm2", b.norm2.ptr());
      if (o.dropout > 0) b.dropout = register_module(name + "_dropout", torch::nn::Dropout(o.dropout));
      if (b.stride != 1 || in != widths[g]) b.shortcut = register_module(name + "_shortcut", conv(in, widths[g], 1, b.stride));
      blocks_.push_back(std::move(b));
      in = widths[g];
    }
  }
  final_norm_ = norm(in);
  register_module("final_norm", final_norm_.ptr());
  make_heads(in, gen);
  // LeakyReLU only: oneDNN's ReLU turns a NaN into 0 where ATen's keeps it (the guard must see it).
  const bool plain = o.norm == "none" && o.dropout == 0 && o.activation == "leaky_relu";
  if (plain && !dnnl_turned_off() && DnnlWrnScorer::available() && DnnlWrnScorer::fits(dnnl_spec()))
    dnnl_ = std::make_unique<DnnlWrnScorer>();
}

namespace {

DnnlConv dnnl_conv(const torch::nn::Conv2d& c) {
  DnnlConv d;
  d.out = int(c->weight.size(0)), d.in = int(c->weight.size(1)), d.kernel = int(c->weight.size(2));
  d.stride = int(c->options.stride()->at(0));
  d.weight = c->weight.data_ptr<float>();
  d.bias = c->bias.data_ptr<float>();
  return d;
}

}  // namespace

DnnlWrnSpec WideResNet::dnnl_spec() const {
  DnnlWrnSpec spec;
  spec.channels = int(opt_.image_shape[0]), spec.height = int(opt_.image_shape[1]), spec.width = int(opt_.image_shape[2]);
  spec.slope = 0.2f;  // LeakyReLU(0.2), the official WRN's
  spec.stem = dnnl_conv(stem_);
  for (const Block& b : blocks_) {
    DnnlWrnBlock d;
    d.conv1 = dnnl_conv(b.conv1), d.conv2 = dnnl_conv(b.conv2);
    d.has_shortcut = bool(b.shortcut);
    if (b.shortcut) d.shortcut = dnnl_conv(b.shortcut);
    spec.blocks.push_back(d);
  }
  return spec;
}

bool WideResNet::dnnl_score_applies(const at::Tensor& x) const {
  if (!dnnl_ || !x.is_cpu() || x.scalar_type() != at::kFloat || x.dim() != 2 || autocast_enabled(at::kCPU)) return false;
  for (const at::Tensor& p : parameters())
    if (!p.is_cpu() || p.scalar_type() != at::kFloat || !p.is_contiguous()) return false;
  return true;
}

std::pair<at::Tensor, at::Tensor> WideResNet::score(const at::Tensor& x, const at::Tensor& y) {
  if (!dnnl_score_applies(x)) return EnergyNet::score(x, y);
  torch::NoGradGuard no_grad;
  const at::Tensor xc = x.contiguous();
  const int64_t rows = xc.size(0);
  const bool scalar_head = opt_.uncond && !y.defined();  // -E(x) is the scalar head; f(x)[y] the logits'
  const torch::nn::Linear& head = scalar_head ? energy_head_ : head_;
  at::Tensor features = at::empty({rows, head->weight.size(1)}, xc.options());
  at::Tensor g = at::empty_like(xc);
  std::lock_guard<std::mutex> lock(dnnl_mutex_);
  dnnl_->forward(dnnl_spec(), xc.data_ptr<float>(), int(rows), features.data_ptr<float>());
  // The head by hand: the score and its gradient at the pooled features.
  const at::Tensor out = at::addmm(head->bias, features, head->weight.t());
  at::Tensor s, d_out;
  if (scalar_head) {
    s = out.squeeze(1), d_out = at::ones_like(out);
  } else if (y.defined()) {
    const at::Tensor yl = y.to(at::kLong).unsqueeze(1);
    s = out.gather(1, yl).squeeze(1), d_out = at::zeros_like(out).scatter_(1, yl, 1.0);
  } else {
    s = at::logsumexp(out, 1), d_out = at::softmax(out, 1);
  }
  const at::Tensor d_features = d_out.mm(head->weight).contiguous();
  dnnl_->backward(d_features.data_ptr<float>(), g.data_ptr<float>());
  return {g, s};
}

at::Tensor WideResNet::features(const at::Tensor& img) {
  at::Tensor h = stem_->forward(img);
  for (auto& b : blocks_) {
    // Pre-activation wide block, as in the official wideresnet.py.
    at::Tensor out = b.conv1->forward(act(b.norm1.forward(h)));
    if (b.dropout) out = b.dropout->forward(out);
    out = b.conv2->forward(act(b.norm2.forward(out)));
    h = out + (b.shortcut ? b.shortcut->forward(h) : h);
  }
  return act(final_norm_.forward(h)).mean({2, 3});
}

}  // namespace jem
