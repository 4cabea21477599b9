// The MLP's training step without an autograd graph through its layers: forward_train keeps each
// layer's activation and derivative (the fused activation computes both in one pass) and returns
// the logits (and the scalar head) as autograd leaves, so only the loss's own few operations are
// recorded; backward_from runs the loss's backward to those leaves, then the layers' backward by
// hand, accumulating into each parameter's .grad exactly where autograd would. Where the objective
// computes its gradient at the logits by hand (objective.cpp), backward_from_logit_grads starts
// the layers' backward from it, and nothing at all is recorded. Without autograd (evaluations,
// the landscape's grid) forward_all runs the same forward pass, keeping nothing.
//
// Every product, forward and backward, is one feature_major_product on row-major activations
// ([rows, features]): the forward pass reads a transposed copy of each weight, the backward pass
// the weights in place, and each weight gradient is A^T G, a reduction over the rows with A read
// in place. No ATen call runs inside the passes.
//
// Both passes run over blocks of rows side by side, as the SGLD chains do. The blocks are a fixed
// number of rows, not one per thread, and the weight gradients' per-block parts are added in block
// order, so the step's numbers do not depend on the thread count.
#include <torch/autograd.h>

#include <algorithm>

#include "core/model/fused_activation.h"
#include "core/model/mlp.h"
#include "core/model/mlp_kernels.h"
#include "core/model/precision.h"
#include "core/util/parallel_blocks.h"

namespace jem {

namespace {

constexpr int64_t kRowsPerBlock = 256;

int64_t row_blocks(int64_t rows) { return (rows + kRowsPerBlock - 1) / kRowsPerBlock; }

// body(block, first_row, rows_in_block) for each block, taken by the intra-op threads as they
// come free (core/util/parallel_blocks.h).
template <class Body>
void for_row_blocks(int64_t rows, const Body& body) {
  parallel_blocks(row_blocks(rows), [&](int64_t k) {
    const int64_t first = k * kRowsPerBlock;
    body(k, first, std::min(rows, first + kRowsPerBlock) - first);
  });
}

void accumulate(at::Tensor param, const at::Tensor& g) {  // a handle: the same parameter
  at::Tensor& grad = param.mutable_grad();
  if (grad.defined()) grad.add_(g);
  else grad = g;
}

float* values(const at::Tensor& t) { return t.data_ptr<float>(); }

// dst[i * ld + o] = w[o * in + i] for w [out, in]: W^T, its rows ld apart.
void transpose(const float* w, int64_t out, int64_t in, float* dst, int64_t ld) {
  for (int64_t o = 0; o < out; ++o)
    for (int64_t i = 0; i < in; ++i) dst[i * ld + o] = w[o * in + i];
}

// C [m, n] = bias_col + A B (times mul, or through the SiLU with its derivative into silu_grad):
// A(i, j) = a[i * a_row + j * a_col], B and C (and mul, silu_grad) row-major.
void product(int64_t m, int64_t k, int64_t n, const float* a, int64_t a_row, int64_t a_col, const float* b,
             float* c, const float* bias_col = nullptr, const float* mul = nullptr, float* silu_grad = nullptr) {
  FeatureMajorProduct p;
  p.m = m, p.k = k, p.n = n, p.a = a, p.a_row = a_row, p.a_col = a_col;
  p.b = b, p.ldb = n, p.c = c, p.ldc = n, p.bias_col = bias_col, p.mul = mul, p.silu_grad = silu_grad;
  feature_major_product(p);
}

// A layer's gradients as parts per row block, summed in block order at the end: the weight's
// transposed, d loss / d W^T = A^T G for the layer's input A and output gradient G ([in, out],
// G's rows contiguous, a reduction over rows that A^T reads in place), and the bias's, G's
// column sums.
struct GradParts {
  int64_t in, out;
  std::vector<float> weight_t, bias;  // [blocks, in, out], [blocks, out]
  GradParts(int64_t in_, int64_t out_, int64_t blocks)
      : in(in_), out(out_), weight_t(blocks * in_ * out_), bias(blocks * out_) {}
  void add_block(int64_t k, const float* a, const float* g, int64_t rows) {
    product(in, rows, out, a, 1, in, g, weight_t.data() + k * in * out);
    float* b = bias.data() + k * out;
    std::fill(b, b + out, 0.0f);
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t j = 0; j < out; ++j) b[j] += g[r * out + j];
  }
  // The sums over blocks, in block order: the weight's as [out, in], rows [first, first + count)
  // of it and of the bias.
  std::pair<at::Tensor, at::Tensor> sums(int64_t first, int64_t count) const {
    const int64_t blocks = static_cast<int64_t>(bias.size()) / out, size = in * out;
    std::vector<float> w_t(weight_t.begin(), weight_t.begin() + size), b_sum(bias.begin(), bias.begin() + out);
    for (int64_t k = 1; k < blocks; ++k) {
      for (int64_t t = 0; t < size; ++t) w_t[t] += weight_t[k * size + t];
      for (int64_t t = 0; t < out; ++t) b_sum[t] += bias[k * out + t];
    }
    at::Tensor w = at::empty({count, in}), b = at::empty({count});
    float* wp = values(w);
    for (int64_t o = 0; o < count; ++o)
      for (int64_t i = 0; i < in; ++i) wp[o * in + i] = w_t[i * out + first + o];
    std::copy_n(b_sum.data() + first, count, values(b));
    return {w, b};
  }
};

// One thread's scratch for the backward pass: two [rows, width] gradients, the output's [rows, n_out].
struct BackwardScratch {
  std::vector<float> g, g_next, g_out;
};
thread_local BackwardScratch scratch;

}  // namespace

// The forward products' weights: each hidden layer's W^T [in, width], and the output layers (the
// logits' head, then the scalar head) stacked as out_w [n_out, width] and transposed into out_t,
// its columns padded to a tile of 16 (zeros) so that the thin product runs in registers too.
struct Mlp::ForwardWeights {
  std::vector<std::vector<float>> hidden_t;
  std::vector<float> out_w, out_t, out_bias;
  int64_t n_out = 0, out_cols = 0;
};

Mlp::ForwardWeights Mlp::forward_weights() const {
  ForwardWeights f;
  const int64_t width = opt_.width, k = opt_.n_classes;
  f.n_out = k + (opt_.uncond ? 1 : 0);
  f.out_cols = (f.n_out + kProductColumnStep - 1) / kProductColumnStep * kProductColumnStep;
  for (const auto& l : hidden_) {
    const at::Tensor& w = l->weight;
    f.hidden_t.emplace_back(w.numel());
    transpose(values(w), w.size(0), w.size(1), f.hidden_t.back().data(), w.size(0));
  }
  f.out_w.assign(values(head_->weight), values(head_->weight) + k * width);
  if (opt_.uncond) f.out_w.insert(f.out_w.end(), values(energy_head_->weight), values(energy_head_->weight) + width);
  f.out_t.assign(width * f.out_cols, 0.0f);
  f.out_bias.assign(f.out_cols, 0.0f);
  transpose(f.out_w.data(), f.n_out, width, f.out_t.data(), f.out_cols);
  std::copy_n(values(head_->bias), k, f.out_bias.data());
  if (opt_.uncond) f.out_bias[k] = values(energy_head_->bias)[0];
  return f;
}

// r rows of x ([r, in], row-major) through the layers: hidden layer i's activation into act(i) and
// its derivative into deriv(i) (each [r, width]), the stacked outputs into out ([r, out_cols]).
template <class Act, class Deriv>
void Mlp::forward_rows(const ForwardWeights& f, const float* x, int64_t in, int64_t r, const Act& act,
                       const Deriv& deriv, float* out) const {
  const int64_t width = opt_.width;
  const bool silu = opt_.activation == "silu";
  const float slope = opt_.activation == "leaky_relu" ? 0.2f : 0.0f;
  const float* h = x;
  for (size_t i = 0; i < hidden_.size(); ++i) {
    float* z = act(i);
    float* d = deriv(i);
    product(r, in, width, h, in, 1, f.hidden_t[i].data(), z, values(hidden_[i]->bias), nullptr, silu ? d : nullptr);
    if (!silu) leaky_relu_and_grad(z, d, r * width, slope);
    h = z, in = width;
  }
  product(r, width, f.out_cols, h, width, 1, f.out_t.data(), out, f.out_bias.data());
}

NetOutput Mlp::forward_train(const at::Tensor& x, bool logits_only) {
  train_ = {};
  if (!torch::autograd::GradMode::is_enabled() || !hand_pass_applies(x)) return forward_all(x);
  const at::Tensor xc = x.contiguous();
  const int64_t rows = xc.size(0), width = opt_.width, k = opt_.n_classes;
  ForwardWeights f = forward_weights();
  train_.x = xc;
  for (size_t i = 0; i < hidden_.size(); ++i) {
    train_.act.push_back(at::empty({rows, width}));
    train_.deriv.push_back(at::empty({rows, width}));
  }
  at::Tensor out = at::empty({rows, f.out_cols});
  for_row_blocks(rows, [&](int64_t, int64_t b, int64_t r) {
    forward_rows(
        f, values(xc) + b * xc.size(1), xc.size(1), r, [&](size_t i) { return values(train_.act[i]) + b * width; },
        [&](size_t i) { return values(train_.deriv[i]) + b * width; }, values(out) + b * f.out_cols);
  });
  train_.out_w = std::move(f.out_w);
  train_.logits = out.narrow(1, 0, k).contiguous().requires_grad_(true);
  if (opt_.uncond) train_.energy = out.narrow(1, k, 1).contiguous().requires_grad_(true);
  NetOutput result;
  result.logits = train_.logits;
  // An ATen logsumexp recorded for autograd costs ~0.1 ms, 2 % of a 2D iteration: skipped where
  // the objective takes the logits' gradients by hand.
  if (opt_.uncond) result.neg_energy = train_.energy.squeeze(1);
  else if (!logits_only) result.neg_energy = at::logsumexp(train_.logits, 1);
  return result;
}

// The passes read the input and the parameters through raw pointers: dense float tensors on the
// CPU, the input [rows, in_dim]; autocast would have ATen's layers run in another precision.
bool Mlp::hand_pass_applies(const at::Tensor& x) const {
  if (autocast_enabled(at::kCPU)) return false;
  if (!(x.is_cpu() && x.scalar_type() == at::kFloat && x.dim() == 2 && x.size(1) == opt_.in_dim)) return false;
  for (const auto& p : parameters())
    if (!p.is_cpu() || p.scalar_type() != at::kFloat || !p.is_contiguous()) return false;
  return true;
}

bool Mlp::takes_hand_inference(const at::Tensor& x) const {
  return !torch::autograd::GradMode::is_enabled() && hand_pass_applies(x);
}

// Inference without autograd (evaluations, the landscape's grid): the training step's forward
// pass over row blocks, each block's activations in two per-thread buffers used in turn.
NetOutput Mlp::forward_cpu(const at::Tensor& x) const {
  const at::Tensor xc = x.contiguous();
  const int64_t rows = xc.size(0), width = opt_.width, k = opt_.n_classes;
  const ForwardWeights f = forward_weights();
  NetOutput result;
  result.logits = at::empty({rows, k});
  result.neg_energy = at::empty({rows});
  for_row_blocks(rows, [&](int64_t, int64_t b, int64_t r) {
    // deriv and soft are scratch: the SiLU epilogue and the logsumexp kernel write them too.
    thread_local std::vector<float> act[2], deriv, out, soft;
    for (auto& a : act) a.resize(r * width);
    deriv.resize(r * width), out.resize(r * f.out_cols), soft.resize(r * k);
    forward_rows(
        f, values(xc) + b * xc.size(1), xc.size(1), r, [&](size_t i) { return act[i % 2].data(); },
        [&](size_t) { return deriv.data(); }, out.data());
    float* logits = values(result.logits) + b * k;
    float* neg_energy = values(result.neg_energy) + b;
    for (int64_t i = 0; i < r; ++i) {
      std::copy_n(out.data() + i * f.out_cols, k, logits + i * k);
      if (opt_.uncond) neg_energy[i] = out[i * f.out_cols + k];
    }
    if (!opt_.uncond) logsumexp_softmax_rows(logits, r, int(k), neg_energy, soft.data());
  });
  return result;
}

void Mlp::backward_from(const at::Tensor& loss) {
  if (!train_.logits.defined()) return loss.backward();
  loss.backward();  // through the loss's operations only, to the output leaves
  torch::NoGradGuard no_grad;
  const at::Tensor gl = train_.logits.grad().defined() ? train_.logits.grad().contiguous() : at::Tensor();
  const at::Tensor ge = train_.energy.defined() && train_.energy.grad().defined() ? train_.energy.grad().contiguous()
                                                                                   : at::Tensor();
  backward_layers(gl, ge);
}

void Mlp::backward_from_logit_grads(const at::Tensor& d_logits) {
  TORCH_CHECK(takes_logit_grads(), "backward_from_logit_grads: forward_train took the autograd path");
  backward_layers(d_logits.contiguous(), at::Tensor());
}

void Mlp::backward_layers(const at::Tensor& gl, const at::Tensor& ge) {
  if (!gl.defined() && !ge.defined()) return (void)(train_ = {});  // the loss does not depend on the outputs
  const int depth = static_cast<int>(hidden_.size());
  const int64_t rows = train_.x.size(0), blocks = row_blocks(rows), width = opt_.width;
  const int64_t k = opt_.n_classes, n_out = k + (opt_.uncond ? 1 : 0), in0 = train_.x.size(1);
  std::vector<GradParts> parts;
  for (int i = 0; i < depth; ++i) parts.emplace_back(i == 0 ? in0 : width, width, blocks);
  GradParts out_parts(width, n_out, blocks);
  const float* gl_values = gl.defined() ? values(gl) : nullptr;
  const float* ge_values = ge.defined() ? values(ge) : nullptr;
  for_row_blocks(rows, [&](int64_t blk, int64_t b, int64_t r) {
    BackwardScratch& s = scratch;
    s.g.resize(r * width), s.g_next.resize(r * width), s.g_out.assign(r * n_out, 0.0f);
    // d loss / d (output layers' outputs), the logits' and the scalar head's side by side.
    for (int64_t i = 0; i < r; ++i) {
      if (gl_values) std::copy_n(gl_values + (b + i) * k, k, s.g_out.data() + i * n_out);
      if (ge_values) s.g_out[i * n_out + k] = ge_values[b + i];
    }
    auto act_in = [&](int i) { return i == 0 ? values(train_.x) + b * in0 : values(train_.act[i - 1]) + b * width; };
    out_parts.add_block(blk, values(train_.act[depth - 1]) + b * width, s.g_out.data(), r);
    // d loss / d (pre-activation of the last hidden layer)
    product(r, n_out, width, s.g_out.data(), n_out, 1, train_.out_w.data(), s.g.data(), nullptr,
            values(train_.deriv[depth - 1]) + b * width);
    for (int i = depth - 1; i >= 0; --i) {
      parts[i].add_block(blk, act_in(i), s.g.data(), r);
      if (i == 0) break;
      product(r, width, width, s.g.data(), width, 1, values(hidden_[i]->weight), s.g_next.data(), nullptr,
              values(train_.deriv[i - 1]) + b * width);
      std::swap(s.g, s.g_next);
    }
  });
  for (int i = 0; i < depth; ++i) {
    auto [w, bias] = parts[i].sums(0, width);
    accumulate(hidden_[i]->weight, w), accumulate(hidden_[i]->bias, bias);
  }
  if (gl.defined()) {
    auto [w, bias] = out_parts.sums(0, k);
    accumulate(head_->weight, w), accumulate(head_->bias, bias);
  }
  if (ge.defined()) {
    auto [w, bias] = out_parts.sums(k, 1);
    accumulate(energy_head_->weight, w), accumulate(energy_head_->bias, bias);
  }
  train_ = {};
}

}  // namespace jem
