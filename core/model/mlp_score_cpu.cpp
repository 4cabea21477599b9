// The MLP's SGLD drift on the CPU for small inputs (the 2D lab): per step, only the width x width
// layers go to BLAS (into this thread's workspace); the thin first layer, the head and their
// backward passes are the loops of mlp_kernels. No allocation but the two results.

#include <algorithm>
#include <cmath>
#include <vector>

#include "core/model/fused_activation.h"
#include "core/model/mlp.h"
#include "core/model/precision.h"
#include "core/model/mlp_kernels.h"

namespace jem {

void logsumexp_softmax_rows(const float* logits, int64_t rows, int k, float* lse, float* soft) {
  for (int64_t i = 0; i < rows; ++i) {
    const float* row = logits + i * k;
    float* out = soft + i * k;
    float m = row[0];
    for (int j = 1; j < k; ++j) m = std::max(m, row[j]);
    float sum = 0;
    for (int j = 0; j < k; ++j) sum += (out[j] = std::exp(row[j] - m));
    for (int j = 0; j < k; ++j) out[j] /= sum;
    lse[i] = m + std::log(sum);
  }
}

namespace {

// One per thread: the chains' blocks run concurrently (sgld.cpp's for_chain_blocks).
struct ScoreWorkspace {
  std::vector<std::vector<float>> act, deriv;  // per hidden layer, [rows, width]
  std::vector<float> grad_a, grad_b, logits, soft, first_t;
  void fit(size_t depth, size_t rows, size_t width, size_t k, size_t in) {
    act.resize(depth), deriv.resize(depth);
    for (size_t i = 0; i < depth; ++i) act[i].resize(rows * width), deriv[i].resize(rows * width);
    grad_a.resize(rows * width), grad_b.resize(rows * width);
    logits.resize(rows * k), soft.resize(rows * k), first_t.resize(in * width);
  }
};
thread_local ScoreWorkspace workspace;

at::Tensor wrap(std::vector<float>& v, int64_t rows, int64_t cols) {
  return at::from_blob(v.data(), {rows, cols}, at::TensorOptions().dtype(at::kFloat));
}

const float* data(const at::Tensor& t) { return t.data_ptr<float>(); }

}  // namespace

bool Mlp::cpu_score_applies(const at::Tensor& x) const {
  return x.is_cpu() && x.scalar_type() == at::kFloat && x.dim() == 2 && x.is_contiguous() && x.size(1) <= 8 &&
         opt_.n_classes <= 64 && head_->weight.is_cpu() && head_->weight.scalar_type() == at::kFloat &&
         !autocast_enabled(at::kCPU);
}

std::pair<at::Tensor, at::Tensor> Mlp::score_cpu(const at::Tensor& x, const at::Tensor& y) {
  const int64_t rows = x.size(0);
  const int in = int(x.size(1)), width = opt_.width, k = opt_.n_classes, depth = int(hidden_.size());
  ScoreWorkspace& ws = workspace;
  ws.fit(depth, rows, width, k, in);
  const bool silu = opt_.activation == "silu";
  const float slope = opt_.activation == "leaky_relu" ? 0.2f : 0.0f;
  auto activate = [&](int i) {
    if (silu) silu_and_grad(ws.act[i].data(), ws.deriv[i].data(), rows * width);
    else leaky_relu_and_grad(ws.act[i].data(), ws.deriv[i].data(), rows * width, slope);
  };
  // Forward, keeping each layer's activation derivative.
  const at::Tensor w0 = hidden_[0]->weight;  // [width, in]
  for (int j = 0; j < width; ++j)
    for (int q = 0; q < in; ++q) ws.first_t[size_t(q) * width + j] = data(w0)[j * in + q];
  thin_input_layer(data(x), rows, in, ws.first_t.data(), data(hidden_[0]->bias), width, ws.act[0].data());
  activate(0);
  for (int i = 1; i < depth; ++i) {
    at::Tensor out = wrap(ws.act[i], rows, width);
    at::addmm_out(out, hidden_[i]->bias, wrap(ws.act[i - 1], rows, width), hidden_[i]->weight.t());
    activate(i);
  }
  // The score and its gradient at the last hidden activation: c[r, :] weighs the head's rows.
  at::Tensor s = at::empty({rows}, x.options());
  float* sp = s.data_ptr<float>();
  const float* h = ws.act[depth - 1].data();
  const float* dl = ws.deriv[depth - 1].data();
  if (opt_.uncond && !y.defined()) {  // -E(x) is the scalar head; f(x)[y] stays the logits'
    thin_head(h, rows, width, data(energy_head_->weight), data(energy_head_->bias), 1, sp);
    std::fill(ws.soft.begin(), ws.soft.begin() + rows, 1.0f);
    thin_head_backward(ws.soft.data(), rows, 1, data(energy_head_->weight), width, dl, ws.grad_a.data());
  } else {
    thin_head(h, rows, width, data(head_->weight), data(head_->bias), k, ws.logits.data());
    if (y.defined()) {
      const at::Tensor yl = y.to(at::kLong).contiguous();
      const int64_t* yp = yl.data_ptr<int64_t>();
      std::fill(ws.soft.begin(), ws.soft.end(), 0.0f);
      for (int64_t r = 0; r < rows; ++r) sp[r] = ws.logits[r * k + yp[r]], ws.soft[r * k + yp[r]] = 1;  // one-hot
    } else {
      logsumexp_softmax_rows(ws.logits.data(), rows, k, sp, ws.soft.data());  // d lse / d logits = softmax
    }
    thin_head_backward(ws.soft.data(), rows, k, data(head_->weight), width, dl, ws.grad_a.data());
  }
  // Backward through the wide layers, then the thin first one.
  for (int i = depth - 1; i >= 1; --i) {
    at::Tensor out = wrap(ws.grad_b, rows, width);
    at::mm_out(out, wrap(ws.grad_a, rows, width), hidden_[i]->weight);
    multiply_in_place(ws.grad_b.data(), ws.deriv[i - 1].data(), rows * width);
    std::swap(ws.grad_a, ws.grad_b);
  }
  at::Tensor g = at::empty({rows, in}, x.options());
  thin_input_backward(ws.grad_a.data(), rows, width, ws.first_t.data(), in, g.data_ptr<float>());
  return {g, s};
}

}  // namespace jem
