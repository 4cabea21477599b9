// The MLP's SGLD drift on the CPU for small inputs (the 2D lab), in feature-major layout (a column
// per chain, mlp_kernels.h): every layer forward and backward is one feature_major_product into
// this thread's workspace, the activation's derivative multiplied in as the product is written.
// No allocation but the two results.

#include <algorithm>
#include <cmath>
#include <vector>

#include "core/model/fused_activation.h"
#include "core/model/mlp.h"
#include "core/model/precision.h"
#include "core/model/mlp_kernels.h"

namespace jem {

// Logit (r, j) at r * row_step + j * class_step: row-major [rows, k], or feature-major [k, cols].
void logsumexp_softmax_strided(const float* logits, int64_t rows, int k, int64_t row_step, int64_t class_step,
                               float* lse, float* soft) {
  for (int64_t r = 0; r < rows; ++r) {
    const float* row = logits + r * row_step;
    float* out = soft + r * row_step;
    float m = row[0];
    for (int j = 1; j < k; ++j) m = std::max(m, row[j * class_step]);
    float sum = 0;
    for (int j = 0; j < k; ++j) sum += (out[j * class_step] = std::exp(row[j * class_step] - m));
    for (int j = 0; j < k; ++j) out[j * class_step] /= sum;
    lse[r] = m + std::log(sum);
  }
}

void logsumexp_softmax_rows(const float* logits, int64_t rows, int k, float* lse, float* soft) {
  logsumexp_softmax_strided(logits, rows, k, k, 1, lse, soft);
}

namespace {

// One per thread: the chains' blocks run concurrently (sgld.cpp's for_chain_blocks). Every
// array is feature-major, [features, cols], cols the chains padded to a multiple of 16.
struct ScoreWorkspace {
  std::vector<std::vector<float>> act, deriv;  // per hidden layer, [width, cols]
  std::vector<float> grad_a, grad_b, x_t, logits, soft, g_t;
  void fit(size_t depth, size_t cols, size_t width, size_t k, size_t in) {
    act.resize(depth), deriv.resize(depth);
    for (size_t i = 0; i < depth; ++i) act[i].resize(width * cols), deriv[i].resize(width * cols);
    grad_a.resize(width * cols), grad_b.resize(width * cols);
    x_t.assign(in * cols, 0.0f), logits.resize(k * cols), soft.resize(k * cols), g_t.resize(in * cols);
  }
};
thread_local ScoreWorkspace workspace;

const float* data(const at::Tensor& t) { return t.data_ptr<float>(); }

// C [m, cols] = bias + W b for a linear layer's weight W [m, k] (forward), or W^T b for its
// backward pass (W [k, m]), times mul where given, or through the SiLU with its derivative into
// silu_grad: W is read in place either way.
void layer(const at::Tensor& w, bool transposed, const float* b, int64_t cols, float* c, const float* bias,
           const float* mul, float* silu_grad = nullptr) {
  const int64_t out = w.size(0), in = w.size(1);
  FeatureMajorProduct p;
  p.m = transposed ? in : out, p.k = transposed ? out : in, p.n = cols;
  p.a = data(w), p.a_row = transposed ? 1 : in, p.a_col = transposed ? in : 1;
  p.b = b, p.ldb = cols, p.c = c, p.ldc = cols, p.bias = bias, p.mul = mul, p.silu_grad = silu_grad;
  feature_major_product(p);
}

}  // namespace

bool Mlp::cpu_score_applies(const at::Tensor& x) const {
  return x.is_cpu() && x.scalar_type() == at::kFloat && x.dim() == 2 && x.is_contiguous() && x.size(1) <= 8 &&
         opt_.n_classes <= 64 && head_->weight.is_cpu() && head_->weight.scalar_type() == at::kFloat &&
         !autocast_enabled(at::kCPU);
}

std::pair<at::Tensor, at::Tensor> Mlp::score_cpu(const at::Tensor& x, const at::Tensor& y) {
  const int64_t rows = x.size(0), cols = (rows + kProductColumnStep - 1) / kProductColumnStep * kProductColumnStep;
  const int in = int(x.size(1)), width = opt_.width, k = opt_.n_classes, depth = int(hidden_.size());
  ScoreWorkspace& ws = workspace;
  ws.fit(depth, cols, width, k, in);
  const bool silu = opt_.activation == "silu";
  const float slope = opt_.activation == "leaky_relu" ? 0.2f : 0.0f;

  // Forward, keeping each layer's activation derivative; the padding columns hold zeros' images.
  const float* xp = data(x);
  for (int64_t r = 0; r < rows; ++r)
    for (int q = 0; q < in; ++q) ws.x_t[q * cols + r] = xp[r * in + q];
  const float* h = ws.x_t.data();
  for (int i = 0; i < depth; ++i) {
    // The SiLU as the product writes its result (no second pass over memory); leaky ReLU after.
    layer(hidden_[i]->weight, false, h, cols, ws.act[i].data(), data(hidden_[i]->bias), nullptr,
          silu ? ws.deriv[i].data() : nullptr);
    if (!silu) leaky_relu_and_grad(ws.act[i].data(), ws.deriv[i].data(), width * cols, slope);
    h = ws.act[i].data();
  }
  // The score, and its gradient at the head's outputs (soft: [k or 1, cols]).
  at::Tensor s = at::empty({rows}, x.options());
  float* sp = s.data_ptr<float>();
  const bool scalar_head = opt_.uncond && !y.defined();  // -E(x) is the scalar head; f(x)[y] the logits'
  const torch::nn::Linear& out = scalar_head ? energy_head_ : head_;
  layer(out->weight, false, h, cols, ws.logits.data(), data(out->bias), nullptr);
  if (scalar_head) {
    std::copy(ws.logits.begin(), ws.logits.begin() + rows, sp);
    std::fill(ws.soft.begin(), ws.soft.begin() + cols, 1.0f);
  } else if (y.defined()) {
    const at::Tensor yl = y.to(at::kLong).contiguous();
    const int64_t* yp = yl.data_ptr<int64_t>();
    std::fill(ws.soft.begin(), ws.soft.end(), 0.0f);
    for (int64_t r = 0; r < rows; ++r) sp[r] = ws.logits[yp[r] * cols + r], ws.soft[yp[r] * cols + r] = 1;  // one-hot
  } else {
    logsumexp_softmax_strided(ws.logits.data(), rows, k, 1, cols, sp, ws.soft.data());  // d lse / d logits = softmax
  }
  // Backward: the head, the hidden layers (each times the derivative below it), the first layer.
  layer(out->weight, true, ws.soft.data(), cols, ws.grad_a.data(), nullptr, ws.deriv[depth - 1].data());
  for (int i = depth - 1; i >= 1; --i) {
    layer(hidden_[i]->weight, true, ws.grad_a.data(), cols, ws.grad_b.data(), nullptr, ws.deriv[i - 1].data());
    std::swap(ws.grad_a, ws.grad_b);
  }
  layer(hidden_[0]->weight, true, ws.grad_a.data(), cols, ws.g_t.data(), nullptr, nullptr);
  at::Tensor g = at::empty({rows, in}, x.options());
  float* gp = g.data_ptr<float>();
  for (int64_t r = 0; r < rows; ++r)
    for (int q = 0; q < in; ++q) gp[r * in + q] = ws.g_t[q * cols + r];
  return {g, s};
}

}  // namespace jem
