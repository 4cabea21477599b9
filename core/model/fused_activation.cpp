#include "core/model/fused_activation.h"

#include <cmath>

namespace jem {

// One clone per instruction set; the loader picks the best one the CPU has.
__attribute__((target_clones("avx512f", "avx2", "default")))
void silu_and_grad(float* z, float* d, int64_t n) {
  for (int64_t i = 0; i < n; ++i) {
    const float s = 1.0f / (1.0f + std::exp(-z[i]));
    const float a = z[i] * s;
    d[i] = s + a * (1.0f - s);  // silu'(z) = s + z s (1 - s)
    z[i] = a;
  }
}

__attribute__((target_clones("avx512f", "avx2", "default")))
void leaky_relu_and_grad(float* z, float* d, int64_t n, float slope) {
  for (int64_t i = 0; i < n; ++i) {
    const float g = z[i] > 0 ? 1.0f : slope;
    d[i] = g;
    z[i] *= g;
  }
}

}  // namespace jem
