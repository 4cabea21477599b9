// Which BLAS LibTorch's products run on. OpenBLAS picks its kernels by the CPU when it loads,
// unless OPENBLAS_CORETYPE names them; that choice moves the 2D lab's speed by half (this Zen 5,
// 2D default, one thread: 5.9 s with Haswell's AVX2 kernels, 4.5 s with its own Cooperlake ones,
// for the whole run). Reference BLAS is many times slower still.
#pragma once
#include <string>

namespace jem {

// As the bench line names it: "OpenBLAS Cooperlake", or "not OpenBLAS".
std::string blas_kernels_in_use();

}  // namespace jem
