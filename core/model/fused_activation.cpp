#include "core/model/fused_activation.h"

#include <cmath>
#include <cstdint>
#include <cstring>

#include "core/model/isa_clones.h"

namespace jem {

JEMLAB_ISA_CLONES
void silu_and_grad(float* z, float* d, int64_t n) {
  // Fast math assumes no infinities, so keep exp's argument where it cannot overflow: beyond
  // |z| = 80 the sigmoid is 0 or 1 to float precision, and silu saturates to 0 or z. The clamp
  // eats a NaN (fmin and fmax return the number), but a NaN weight must give a NaN loss, for the
  // divergence guard to name it.
  for (int64_t i = 0; i < n; ++i) {
    const float zc = std::fmin(std::fmax(z[i], -80.0f), 80.0f);
    const float s = 1.0f / (1.0f + std::exp(-zc));
    d[i] = s * (1.0f + zc * (1.0f - s));  // silu'(z) = s (1 + z (1 - s))
    // A bit test, which fast math cannot assume away: a NaN or infinite z stays as it is.
    uint32_t bits;
    std::memcpy(&bits, &z[i], sizeof bits);
    const bool finite = (bits & 0x7f800000u) != 0x7f800000u;
    z[i] = finite ? std::fmax(z[i], -80.0f) * s : z[i];
  }
}

JEMLAB_ISA_CLONES
void leaky_relu_and_grad(float* z, float* d, int64_t n, float slope) {
  for (int64_t i = 0; i < n; ++i) {
    const float g = z[i] > 0 ? 1.0f : slope;
    d[i] = g;
    z[i] *= g;
  }
}

}  // namespace jem
