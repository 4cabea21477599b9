// A CPU generator from a seed: the seeded statistical tests' randomness.
#pragma once
#include <ATen/CPUGeneratorImpl.h>

#include <cstdint>

namespace jem::test_support {

inline at::Generator make_gen(uint64_t seed) { return at::make_generator<at::CPUGeneratorImpl>(seed); }

}  // namespace jem::test_support
