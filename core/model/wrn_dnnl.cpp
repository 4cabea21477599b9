#include "core/model/wrn_dnnl.h"

#include <stdexcept>

#ifdef JEMLAB_DNNL
#include <oneapi/dnnl/dnnl.hpp>

#include <algorithm>
#include <cstring>
#if DNNL_VERSION_MAJOR != 2
#error "wrn_dnnl.cpp is written against oneDNN 2.x (Debian 12); CMake enables JEMLAB_DNNL only there"
#endif
#endif

namespace jem {

#ifndef JEMLAB_DNNL

struct DnnlWrnScorer::Net {};
DnnlWrnScorer::DnnlWrnScorer() = default;
DnnlWrnScorer::~DnnlWrnScorer() = default;
bool DnnlWrnScorer::available() { return false; }
bool DnnlWrnScorer::fits(const DnnlWrnSpec&) { return false; }
void DnnlWrnScorer::forward(const DnnlWrnSpec&, const float*, int, float*) {
  throw std::logic_error("DnnlWrnScorer: this build has no oneDNN path");
}
void DnnlWrnScorer::backward(const float*, float*) { throw std::logic_error("DnnlWrnScorer: this build has no oneDNN path"); }

#else

// Named, not anonymous: DnnlWrnScorer::Net, declared in the header, derives from Network.
namespace wrn_dnnl {

using namespace dnnl;
using tag = memory::format_tag;
using dt = memory::data_type;

// Every activation after the stem: channels in blocks of 16, the layout oneDNN's kernels use.
memory::desc blocked(int rows, int channels, int side_h, int side_w) {
  return memory::desc({rows, channels, side_h, side_w}, dt::f32, tag::aBcd16b);
}

float* ptr(const memory& m) { return static_cast<float*>(m.get_data_handle()); }

// One convolution: its forward and data-backward primitives and its weights in their formats.
struct Conv {
  memory user_weight, bias, fwd_weight, bwd_weight;
  convolution_forward fwd;
  convolution_backward_data bwd;
  reorder to_fwd_weight, to_bwd_weight;
  memory::desc diff_src;

  // plain_input: the stem, whose input is the caller's image; its gradient may come back in any
  // layout (reordered by the caller).
  Conv(const engine& eng, const DnnlConv& c, const memory::desc& src, const memory::desc& dst, const primitive_attr& attr,
       bool plain_input = false, algorithm alg = algorithm::convolution_auto) {
    const memory::dim pad = c.kernel / 2;
    const memory::dims strides = {c.stride, c.stride}, padding = {pad, pad};
    const memory::desc any_weight({c.out, c.in, c.kernel, c.kernel}, dt::f32, tag::any);
    const memory::desc bias_desc({c.out}, dt::f32, tag::x);
    // convolution_auto: Winograd where oneDNN finds it faster (3x3, stride 1), direct elsewhere.
    const convolution_forward::primitive_desc fpd(
        convolution_forward::desc(prop_kind::forward_training, alg, src, any_weight, bias_desc, dst,
                                  strides, padding, padding),
        attr, eng);
    const memory::desc bwd_src = plain_input ? memory::desc(src.dims(), dt::f32, tag::any) : src;
    const convolution_backward_data::primitive_desc bpd(
        convolution_backward_data::desc(alg, bwd_src, any_weight, dst, strides, padding, padding), eng,
        fpd);
    fwd = convolution_forward(fpd);
    bwd = convolution_backward_data(bpd);
    diff_src = bpd.diff_src_desc();
    user_weight = memory({{c.out, c.in, c.kernel, c.kernel}, dt::f32, tag::oihw}, eng, nullptr);
    bias = memory(bias_desc, eng, nullptr);
    fwd_weight = memory(fpd.weights_desc(), eng);
    bwd_weight = memory(bpd.weights_desc(), eng);
    to_fwd_weight = reorder(user_weight, fwd_weight);
    to_bwd_weight = reorder(user_weight, bwd_weight);
  }

  // The weights change with every training step: the caller's arrays, into each kernel's format.
  void load_weights(stream& s, const DnnlConv& c) {
    user_weight.set_data_handle(const_cast<float*>(c.weight));
    bias.set_data_handle(const_cast<float*>(c.bias));
    to_fwd_weight.execute(s, user_weight, fwd_weight);
    to_bwd_weight.execute(s, user_weight, bwd_weight);
  }
  void forward(stream& s, const memory& src, const memory& dst) {
    fwd.execute(s, {{DNNL_ARG_SRC, src}, {DNNL_ARG_WEIGHTS, fwd_weight}, {DNNL_ARG_BIAS, bias}, {DNNL_ARG_DST, dst}});
  }
  void backward(stream& s, const memory& diff_dst, const memory& diff_src_mem) {
    bwd.execute(s, {{DNNL_ARG_DIFF_DST, diff_dst}, {DNNL_ARG_WEIGHTS, bwd_weight}, {DNNL_ARG_DIFF_SRC, diff_src_mem}});
  }
};

// LeakyReLU forward, and its backward from the activation's output.
struct Activation {
  eltwise_forward fwd;
  eltwise_backward bwd;
  Activation(const engine& eng, const memory::desc& d, float slope) {
    const eltwise_forward::primitive_desc fpd(
        eltwise_forward::desc(prop_kind::forward_training, algorithm::eltwise_relu_use_dst_for_bwd, d, slope, 0.f), eng);
    fwd = eltwise_forward(fpd);
    bwd = eltwise_backward(eltwise_backward::primitive_desc(
        eltwise_backward::desc(algorithm::eltwise_relu_use_dst_for_bwd, d, d, slope, 0.f), eng, fpd));
  }
  void forward(stream& s, const memory& src, const memory& dst) { fwd.execute(s, {{DNNL_ARG_SRC, src}, {DNNL_ARG_DST, dst}}); }
  // In place: grad *= act'(out).
  void backward(stream& s, const memory& out, const memory& grad) {
    bwd.execute(s, {{DNNL_ARG_DST, out}, {DNNL_ARG_DIFF_DST, grad}, {DNNL_ARG_DIFF_SRC, grad}});
  }
};

primitive_attr fused_sum() {
  post_ops ops;
  ops.append_sum(1.f);
  primitive_attr attr;
  attr.set_post_ops(ops);
  return attr;
}

// One pre-activation block: a1 = act(h); a2 = act(conv1(a1)); out = conv2(a2) + shortcut(h), the
// sum fused into conv2 (Winograd keeps a sum post-op; it has no LeakyReLU one).
struct Block {
  Activation act_in, act_mid;
  Conv conv1, conv2;
  std::unique_ptr<Conv> shortcut;
  binary add;
  memory a1, a2, out, grad_a1, grad_a2, grad_shortcut;

  Block(const engine& eng, const DnnlWrnBlock& b, const memory& h, int rows, int side, float slope)
      : act_in(eng, h.get_desc(), slope),
        act_mid(eng, blocked(rows, b.conv1.out, side, side), slope),
        conv1(eng, b.conv1, blocked(rows, b.conv1.in, side, side), blocked(rows, b.conv1.out, side, side), primitive_attr()),
        conv2(eng, b.conv2, blocked(rows, b.conv2.in, side, side), blocked(rows, b.conv2.out, side / b.conv2.stride, side / b.conv2.stride),
              fused_sum()) {
    const int out_side = side / b.conv2.stride;
    a1 = memory(h.get_desc(), eng);
    a2 = memory(blocked(rows, b.conv1.out, side, side), eng);
    grad_a1 = memory(h.get_desc(), eng);
    grad_a2 = memory(a2.get_desc(), eng);
    if (b.has_shortcut) {
      const memory::desc out_desc = blocked(rows, b.shortcut.out, out_side, out_side);
      shortcut = std::make_unique<Conv>(eng, b.shortcut, h.get_desc(), out_desc, primitive_attr());
      out = memory(out_desc, eng);
      grad_shortcut = memory(h.get_desc(), eng);
    } else {
      out = h;  // the identity shortcut: conv2 adds into the block's input, which nothing else reads after
    }
    add = binary(binary::primitive_desc(binary::desc(algorithm::binary_add, h.get_desc(), h.get_desc(), h.get_desc()), eng));
  }

  void load_weights(stream& s, const DnnlWrnBlock& b) {
    conv1.load_weights(s, b.conv1);
    conv2.load_weights(s, b.conv2);
    if (shortcut) shortcut->load_weights(s, b.shortcut);
  }
  void forward(stream& s, const memory& h) {
    act_in.forward(s, h, a1);
    conv1.forward(s, a1, a2);
    act_mid.forward(s, a2, a2);  // in place; fused as a post-op, oneDNN would leave Winograd for direct convolution
    if (shortcut) shortcut->forward(s, h, out);  // conv2 then sums into it
    conv2.forward(s, a2, out);
  }
  // grad_out: d score / d out. Returns d score / d h.
  const memory& backward(stream& s, const memory& grad_out) {
    conv2.backward(s, grad_out, grad_a2);
    act_mid.backward(s, a2, grad_a2);
    conv1.backward(s, grad_a2, grad_a1);
    act_in.backward(s, a1, grad_a1);
    const memory* through = &grad_out;
    if (shortcut) shortcut->backward(s, grad_out, grad_shortcut), through = &grad_shortcut;
    add.execute(s, {{DNNL_ARG_SRC_0, grad_a1}, {DNNL_ARG_SRC_1, *through}, {DNNL_ARG_DST, grad_a1}});
    return grad_a1;
  }
};

// The whole network for one batch size: its primitives, activations and gradients.
struct Network {
  engine eng{engine::kind::cpu, 0};
  stream strm{eng};
  int rows = 0, side = 0, channels = 0;  // the last activation's
  memory x, dx, stem_dx, h0, final_act, grad_final;
  std::unique_ptr<Conv> stem;
  std::vector<std::unique_ptr<Block>> blocks;
  std::unique_ptr<Activation> act_out;

  Network(const DnnlWrnSpec& spec, int n) : rows(n) {
    const memory::desc image({n, spec.channels, spec.height, spec.width}, dt::f32, tag::nchw);
    x = memory(image, eng, nullptr);
    dx = memory(image, eng, nullptr);
    h0 = memory(blocked(n, spec.stem.out, spec.height, spec.width), eng);
    // Direct: with 3 input channels Winograd is no faster here.
    stem = std::make_unique<Conv>(eng, spec.stem, image, h0.get_desc(), primitive_attr(), /*plain_input=*/true,
                                  algorithm::convolution_direct);
    if (stem->diff_src != image) stem_dx = memory(stem->diff_src, eng);
    memory h = h0;
    side = spec.height;
    for (const DnnlWrnBlock& b : spec.blocks) {
      blocks.push_back(std::make_unique<Block>(eng, b, h, n, side, spec.slope));
      h = blocks.back()->out;
      side /= b.conv2.stride;
    }
    channels = int(h.get_desc().dims()[1]);
    act_out = std::make_unique<Activation>(eng, h.get_desc(), spec.slope);
    final_act = memory(h.get_desc(), eng);
    grad_final = memory(h.get_desc(), eng);
  }

  void load_weights(const DnnlWrnSpec& spec) {
    stem->load_weights(strm, spec.stem);
    for (size_t i = 0; i < blocks.size(); ++i) blocks[i]->load_weights(strm, spec.blocks[i]);
  }
};

}  // namespace wrn_dnnl

struct DnnlWrnScorer::Net : wrn_dnnl::Network {
  using Network::Network;
};

DnnlWrnScorer::DnnlWrnScorer() = default;
DnnlWrnScorer::~DnnlWrnScorer() = default;

bool DnnlWrnScorer::available() { return ::dnnl_version()->major == DNNL_VERSION_MAJOR; }

bool DnnlWrnScorer::fits(const DnnlWrnSpec& spec) {
  auto conv_fits = [](const DnnlConv& c, bool blocked_in) {
    return c.weight && c.bias && (c.kernel == 3 || c.kernel == 1) && c.out % 16 == 0 && (!blocked_in || c.in % 16 == 0) &&
           (c.stride == 1 || c.stride == 2);
  };
  if (!conv_fits(spec.stem, false) || spec.stem.stride != 1 || !(spec.slope > 0)) return false;
  int side_h = spec.height, side_w = spec.width;
  for (const DnnlWrnBlock& b : spec.blocks) {
    if (!conv_fits(b.conv1, true) || !conv_fits(b.conv2, true) || b.conv1.stride != 1) return false;
    if (b.has_shortcut != (b.conv2.stride != 1 || b.conv1.in != b.conv2.out)) return false;
    if (b.has_shortcut && (!conv_fits(b.shortcut, true) || b.shortcut.stride != b.conv2.stride)) return false;
    if (side_h % b.conv2.stride || side_w % b.conv2.stride) return false;
    side_h /= b.conv2.stride, side_w /= b.conv2.stride;
  }
  return side_h == side_w;  // blocks built for square images, as the datasets are
}

void DnnlWrnScorer::forward(const DnnlWrnSpec& spec, const float* x, int rows, float* features) {
  using namespace wrn_dnnl;
  if (!net_ || net_->rows != rows) {
    net_.reset();  // its buffers go before the new ones are allocated
    net_ = std::make_unique<Net>(spec, rows);
  }
  Net& n = *net_;
  n.load_weights(spec);
  n.x.set_data_handle(const_cast<float*>(x));
  n.stem->forward(n.strm, n.x, n.h0);
  memory h = n.h0;
  for (auto& b : n.blocks) b->forward(n.strm, h), h = b->out;
  n.act_out->forward(n.strm, h, n.final_act);
  n.strm.wait();
  // Global average pooling over the blocked layout [rows][C/16][H*W][16].
  const int c = n.channels, area = n.side * n.side;
  const float* a = ptr(n.final_act);
  for (int r = 0; r < rows; ++r)
    for (int cb = 0; cb < c / 16; ++cb) {
      float sum[16] = {};
      const float* p = a + (size_t(r) * (c / 16) + cb) * area * 16;
      for (int i = 0; i < area; ++i)
        for (int l = 0; l < 16; ++l) sum[l] += p[i * 16 + l];
      for (int l = 0; l < 16; ++l) features[size_t(r) * c + cb * 16 + l] = sum[l] / float(area);
    }
}

void DnnlWrnScorer::backward(const float* d_features, float* dx) {
  using namespace wrn_dnnl;
  if (!net_) throw std::logic_error("DnnlWrnScorer::backward before forward");
  Net& n = *net_;
  const int c = n.channels, area = n.side * n.side;
  float* g = ptr(n.grad_final);
  for (int r = 0; r < n.rows; ++r)
    for (int cb = 0; cb < c / 16; ++cb) {
      float* p = g + (size_t(r) * (c / 16) + cb) * area * 16;
      const float* d = d_features + size_t(r) * c + cb * 16;
      for (int i = 0; i < area; ++i)
        for (int l = 0; l < 16; ++l) p[i * 16 + l] = d[l] / float(area);
    }
  n.act_out->backward(n.strm, n.final_act, n.grad_final);
  const memory* grad = &n.grad_final;
  for (size_t i = n.blocks.size(); i-- > 0;) grad = &n.blocks[i]->backward(n.strm, *grad);
  n.dx.set_data_handle(dx);
  if (n.stem_dx) {
    n.stem->backward(n.strm, *grad, n.stem_dx);
    reorder(n.stem_dx, n.dx).execute(n.strm, n.stem_dx, n.dx);
  } else {
    n.stem->backward(n.strm, *grad, n.dx);
  }
  n.strm.wait();
}

#endif

}  // namespace jem
