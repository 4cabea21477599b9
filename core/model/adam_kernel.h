// One parameter's Adam update as a single pass over float arrays: the L2 weight decay (added to
// the gradient, as torch's Adam does), both moments, the bias-corrected step. torch::optim::Adam
// does the same in about eight ATen calls, each a pass of its own; for the 2D lab's small layers
// the calls, not the arithmetic, were the cost.
#pragma once
#include <cstdint>

namespace jem {

struct AdamScalars {
  float beta1, beta2, eps, weight_decay;
  float step_size;                 // lr / (1 - beta1^t)
  float bias_correction2_sqrt;     // sqrt(1 - beta2^t)
};

// p -= step_size * m / (sqrt(v) / bias_correction2_sqrt + eps), with g += weight_decay * p,
// m = beta1 m + (1 - beta1) g and v = beta2 v + (1 - beta2) g^2 first, as torch's Adam orders it.
void adam_update(float* p, const float* g, float* m, float* v, int64_t n, const AdamScalars& a);

}  // namespace jem
