// Which BLAS LibTorch's products run on, and which of OpenBLAS's kernels. OpenBLAS picks its
// kernels by the CPU's model when it loads, unless OPENBLAS_CORETYPE names them, and a model newer
// than it knows gets its oldest kernels: Debian 12's OpenBLAS 0.3.21 ran SSE3 ("Prescott") kernels
// on an Emerald Rapids Xeon with AVX-512, the 2D lab 3.6x slower (38 against 138 it/s). So where
// OpenBLAS picked kernels of a lower class (SSE, AVX2, AVX-512) than the CPU's features allow and
// the environment named none, jemlab has it pick again, before main. A user's OPENBLAS_CORETYPE
// stands. Reference BLAS is many times slower still.
#pragma once
#include <string>

namespace jem {

// As the bench line names it: "OpenBLAS Cooperlake", "OpenBLAS Cooperlake (jemlab's choice;
// OpenBLAS picked Prescott)", or "not OpenBLAS".
std::string blas_kernels_in_use();

// The OpenBLAS kernels for this CPU's features: "Cooperlake" (AVX-512 with BF16), "SkylakeX"
// (AVX-512), "Zen" (AMD, AVX2), "Haswell" (AVX2), or nullptr (leave the choice to OpenBLAS).
const char* openblas_kernels_for_this_cpu();

}  // namespace jem
