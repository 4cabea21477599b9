// The MLP's training step without an autograd graph through its layers: forward_train keeps each
// layer's activation and derivative (the fused activation computes both in one pass) and returns
// the logits (and the scalar head) as autograd leaves, so only the loss's own few operations are
// recorded; backward_from runs the loss's backward to those leaves, then the layers' backward by
// hand, accumulating into each parameter's .grad exactly where autograd would.
//
// Both passes run over blocks of rows side by side, as the SGLD chains do: one BLAS call on all
// rows from outside a parallel region shares out too little work to keep two cores busy (measured:
// the training step took as long on two threads as on one). The blocks are a fixed number of rows,
// not one per thread, and the weight gradients' per-block parts are added in block order, so the
// step's numbers do not depend on the thread count (the chains' blocks still do, in the last digits).
#include <ATen/Parallel.h>
#include <torch/autograd.h>

#include <algorithm>

#include "core/model/fused_activation.h"
#include "core/model/mlp.h"
#include "core/model/precision.h"

namespace jem {

namespace {

constexpr int64_t kRowsPerBlock = 256;

int64_t row_blocks(int64_t rows) { return (rows + kRowsPerBlock - 1) / kRowsPerBlock; }

// body(block, first_row, end_row) for each block, the blocks spread over the intra-op threads.
template <class Body>
void for_row_blocks(int64_t rows, const Body& body) {
  at::parallel_for(0, row_blocks(rows), 1, [&](int64_t b0, int64_t b1) {
    torch::NoGradGuard no_grad;  // grad mode is per thread; out= calls refuse to record
    for (int64_t k = b0; k < b1; ++k) body(k, k * kRowsPerBlock, std::min(rows, (k + 1) * kRowsPerBlock));
  });
}

bool takes_hand_backward(const at::Tensor& x, const at::Tensor& w) {
  return x.is_cpu() && x.scalar_type() == at::kFloat && w.scalar_type() == at::kFloat && x.dim() == 2 &&
         !autocast_enabled(at::kCPU) && torch::autograd::GradMode::is_enabled();
}

void accumulate(at::Tensor param, const at::Tensor& g) {  // a handle: the same parameter
  at::Tensor& grad = param.mutable_grad();
  if (grad.defined()) grad.add_(g);
  else grad = g;
}

// One layer y = a W^T + b's gradients, d loss / d W = g^T a and d loss / d b = the sum of g's rows,
// as a part per row block; summed in block order at the end.
struct LinearGradParts {
  torch::nn::Linear* layer = nullptr;
  at::Tensor weight, bias;  // [blocks, out, in], [blocks, out]
  LinearGradParts(torch::nn::Linear& l, int64_t blocks)
      : layer(&l), weight(at::empty({blocks, l->weight.size(0), l->weight.size(1)}, l->weight.options())),
        bias(at::empty({blocks, l->weight.size(0)}, l->weight.options())) {}
  void add_block(int64_t k, const at::Tensor& g, const at::Tensor& a) {
    at::Tensor w = weight.select(0, k), b = bias.select(0, k);
    at::mm_out(w, g.t(), a);
    at::sum_out(b, g, 0);
  }
  void accumulate_sum() {
    at::Tensor w = weight.select(0, 0).clone(), b = bias.select(0, 0).clone();
    for (int64_t k = 1; k < weight.size(0); ++k) w.add_(weight.select(0, k)), b.add_(bias.select(0, k));
    accumulate((*layer)->weight, w);
    accumulate((*layer)->bias, b);
  }
};

}  // namespace

NetOutput Mlp::forward_train(const at::Tensor& x) {
  train_ = {};
  if (!takes_hand_backward(x, head_->weight)) return forward_all(x);
  const at::Tensor xc = x.contiguous();
  const int64_t rows = xc.size(0);
  const float slope = opt_.activation == "leaky_relu" ? 0.2f : 0.0f;
  const bool silu = opt_.activation == "silu";
  train_.x = xc;
  for (size_t i = 0; i < hidden_.size(); ++i) {
    train_.act.push_back(at::empty({rows, opt_.width}, xc.options()));
    train_.deriv.push_back(at::empty({rows, opt_.width}, xc.options()));
  }
  train_.logits = at::empty({rows, opt_.n_classes}, xc.options());
  if (opt_.uncond) train_.energy = at::empty({rows, 1}, xc.options());
  for_row_blocks(rows, [&](int64_t, int64_t b, int64_t e) {
    at::Tensor h = xc.narrow(0, b, e - b);
    for (size_t i = 0; i < hidden_.size(); ++i) {
      at::Tensor z = train_.act[i].narrow(0, b, e - b);
      at::addmm_out(z, hidden_[i]->bias, h, hidden_[i]->weight.t());
      float* d = train_.deriv[i].narrow(0, b, e - b).data_ptr<float>();
      if (silu) silu_and_grad(z.data_ptr<float>(), d, z.numel());
      else leaky_relu_and_grad(z.data_ptr<float>(), d, z.numel(), slope);
      h = z;
    }
    at::Tensor logits = train_.logits.narrow(0, b, e - b);
    at::addmm_out(logits, head_->bias, h, head_->weight.t());
    if (opt_.uncond) {
      at::Tensor energy = train_.energy.narrow(0, b, e - b);
      at::addmm_out(energy, energy_head_->bias, h, energy_head_->weight.t());
    }
  });
  train_.logits.requires_grad_(true);
  if (opt_.uncond) train_.energy.requires_grad_(true);
  NetOutput out;
  out.logits = train_.logits;
  out.neg_energy = opt_.uncond ? train_.energy.squeeze(1) : at::logsumexp(train_.logits, 1);
  return out;
}

void Mlp::backward_from(const at::Tensor& loss) {
  if (!train_.logits.defined()) return loss.backward();
  loss.backward();  // through the loss's operations only, to the output leaves
  torch::NoGradGuard no_grad;
  const at::Tensor gl = train_.logits.grad().defined() ? train_.logits.grad().contiguous() : at::Tensor();
  const at::Tensor ge = train_.energy.defined() && train_.energy.grad().defined() ? train_.energy.grad().contiguous()
                                                                                   : at::Tensor();
  if (!gl.defined() && !ge.defined()) return (void)(train_ = {});  // the loss does not depend on the outputs
  const int depth = static_cast<int>(hidden_.size());
  const int64_t rows = train_.x.size(0), blocks = row_blocks(rows);
  std::vector<LinearGradParts> parts;
  for (auto& l : hidden_) parts.emplace_back(l, blocks);
  if (gl.defined()) parts.emplace_back(head_, blocks);
  if (ge.defined()) parts.emplace_back(energy_head_, blocks);
  for_row_blocks(rows, [&](int64_t k, int64_t b, int64_t e) {
    auto block = [&](const at::Tensor& t) { return t.narrow(0, b, e - b); };
    const at::Tensor last = block(train_.act[depth - 1]);
    at::Tensor g;  // d loss / d (last hidden activation)
    size_t head = depth;
    if (gl.defined()) {
      parts[head++].add_block(k, block(gl), last);
      g = at::mm(block(gl), head_->weight);
    }
    if (ge.defined()) {
      parts[head].add_block(k, block(ge), last);
      g = g.defined() ? g.addmm_(block(ge), energy_head_->weight) : at::mm(block(ge), energy_head_->weight);
    }
    for (int i = depth - 1; i >= 0; --i) {
      g.mul_(block(train_.deriv[i]));  // d loss / d (pre-activation of layer i)
      parts[i].add_block(k, g, i > 0 ? block(train_.act[i - 1]) : block(train_.x));
      if (i > 0) g = at::mm(g, hidden_[i]->weight);
    }
  });
  for (auto& p : parts) p.accumulate_sum();
  train_ = {};
}

}  // namespace jem
