#include "core/model/adam_kernel.h"

#include <cmath>

#include "core/model/isa_clones.h"

namespace jem {

JEMLAB_ISA_CLONES
void adam_update(float* p, const float* g, float* m, float* v, int64_t n, const AdamScalars& a) {
  const float one_minus_beta1 = 1 - a.beta1, one_minus_beta2 = 1 - a.beta2;
  for (int64_t i = 0; i < n; ++i) {
    const float grad = a.weight_decay != 0 ? g[i] + a.weight_decay * p[i] : g[i];
    const float mi = a.beta1 * m[i] + one_minus_beta1 * grad;
    const float vi = a.beta2 * v[i] + one_minus_beta2 * grad * grad;
    m[i] = mi, v[i] = vi;
    p[i] -= a.step_size * (mi / (std::sqrt(vi) / a.bias_correction2_sqrt + a.eps));
  }
}

}  // namespace jem
