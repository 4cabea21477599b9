#include "core/model/adam_kernel.h"

#include <cmath>

#include "core/model/isa_clones.h"

namespace jem {

JEMLAB_ISA_CLONES
void adam_update(float* __restrict p, const float* __restrict g, float* __restrict m, float* __restrict v, int64_t n,
                 const AdamScalars& a) {
  // The scalars as locals: stores through p, m and v could otherwise alias them.
  const float beta1 = a.beta1, beta2 = a.beta2, eps = a.eps, decay = a.weight_decay, step = a.step_size;
  const float one_minus_beta1 = 1 - beta1, one_minus_beta2 = 1 - beta2, bc2_sqrt = a.bias_correction2_sqrt;
  for (int64_t i = 0; i < n; ++i) {
    const float grad = g[i] + decay * p[i];  // decay 0 adds an exact 0 (p is finite)
    const float mi = beta1 * m[i] + one_minus_beta1 * grad;
    const float vi = beta2 * v[i] + one_minus_beta2 * grad * grad;
    m[i] = mi, v[i] = vi;
    p[i] -= step * (mi / (std::sqrt(vi) / bc2_sqrt + eps));
  }
}

}  // namespace jem
