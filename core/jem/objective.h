// The JEM objective: L = w_px * -(mean f(x_data) - mean f(x_q)) + w_pyx * CE
//                      + w_pxy * -(mean f(x)[y] - mean f(x_q|y)[y]) + w_reg * (E_data^2 + E_q^2)
// where f(x) = -E(x). Baseline classifier and pure EBM are settings of the weights.
#pragma once
#include <ATen/ATen.h>

#include "core/model/energy_net.h"
#include "core/params/settings.h"

namespace jem {

struct JemBatch {
  at::Tensor x, y;   // labelled data
  at::Tensor x_q;    // p(x) samples (undefined when p_x_weight is 0)
  at::Tensor x_qy;   // p(x|y) samples for the labels y (undefined when p_x_y_weight is 0)
  // p_x_estimator quadrature: cell centres of the grid (then x_q and x_qy are not used) and
  // log(cell area). The negative phases become exact: log Z = logsumexp_cells f + log area, whose
  // gradient is sum_cells softmax(f)_cell grad f(cell) = E_p[grad f] (likewise log Z_y with f[y]).
  at::Tensor grid;
  double log_cell_area = 0;
};

struct JemLoss {
  at::Tensor total;  // scalar, differentiable unless d_logits is set
  // d total / d logits, set where the loss was computed by hand (then total has no graph).
  at::Tensor d_logits;
  // Detached scalars for the metrics (undefined when the term is off).
  at::Tensor l_px, l_pyx, l_pxy, l_reg, acc, f_data, f_q;
};

// One forward pass over data and samples (or the grid) together (the MLP has no batch statistics).
// With a grid, f_q reports the exact E_p[f] and l_px is the exact NLL of the batch.
// by_hand: where the network takes logit gradients and the batch has only data and x_q (the
// official objective), compute the terms and d total / d logits in one pass, without autograd.
JemLoss jem_loss(EnergyNet& f, const JemBatch& b, const Settings& s, bool by_hand = true);

// Whether the loss has anything to learn from (every weight may be 0).
bool has_gradient(const JemLoss& L);
// The parameters' gradients of L.total, accumulated into their .grad (by hand or by autograd).
void backward(EnergyNet& f, const JemLoss& L);

}  // namespace jem
