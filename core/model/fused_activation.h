// The MLP's activation and its derivative in one pass over a float array, for the SGLD inner loop.
// Plain C++ (no torch) so that this one file can be built with -ffast-math and per-ISA clones:
// the exp in SiLU then vectorises, which ATen's separate sigmoid pass cannot match at these sizes.
#pragma once
#include <cstdint>

namespace jem {

// In place: z becomes act(z), d receives act'(z). slope: 0 ReLU, 0.2 LeakyReLU.
void silu_and_grad(float* z, float* d, int64_t n);
void leaky_relu_and_grad(float* z, float* d, int64_t n, float slope);

}  // namespace jem
