// A classifier whose logits define energies: E(x,y) = -f(x)[y], E(x) = -logsumexp_y f(x)[y]
// (or, with an unconditional head, -E(x) = g(x)). Every model the lab trains derives from this.
#pragma once
#include <torch/nn.h>

#include <utility>

namespace jem {

struct NetOutput {
  at::Tensor logits;      // [B,K]
  at::Tensor neg_energy;  // [B] -E(x): logsumexp(logits), or the scalar head
};

class EnergyNet : public torch::nn::Module {
 public:
  virtual NetOutput forward_all(const at::Tensor& x) = 0;
  at::Tensor logits(const at::Tensor& x) { return forward_all(x).logits; }

  // The SGLD drift: for each row, s_i = -E(x_i) (y undefined) or f(x_i)[y_i], and
  // d s_i / d x_i. Returns {grad [B,...], s [B]}. The default uses autograd; models may
  // override it with a hand-written backward pass.
  virtual std::pair<at::Tensor, at::Tensor> score(const at::Tensor& x, const at::Tensor& y);

  // The training step's forward and backward passes. The default records autograd through the
  // network; a model may instead return outputs that are autograd leaves, and in backward_from
  // compute its parameters' gradients by hand from the loss's gradients at those leaves.
  // logits_only: the caller reads only the logits if takes_logit_grads() holds afterwards (the
  // hand-written objective), so the model may leave -E(x) undefined then.
  virtual NetOutput forward_train(const at::Tensor& x, bool /*logits_only*/) { return forward_all(x); }
  virtual void backward_from(const at::Tensor& loss) { loss.backward(); }
  // Whether the last forward_train's outputs can take the loss's gradient at the logits directly
  // (then -E(x) is logsumexp(logits)): the objective may compute that gradient by hand and call
  // backward_from_logit_grads instead of backward_from, with no autograd at all.
  virtual bool takes_logit_grads() const { return false; }
  virtual void backward_from_logit_grads(const at::Tensor& d_logits);

  virtual int n_classes() const = 0;
};

}  // namespace jem
