#include "core/util/blas_kernels.h"

#include <dlfcn.h>

namespace jem {

std::string blas_kernels_in_use() {
  using CoreName = char* (*)();
  auto core_name = reinterpret_cast<CoreName>(dlsym(RTLD_DEFAULT, "openblas_get_corename"));
  if (!core_name) return "not OpenBLAS";
  return std::string("OpenBLAS ") + core_name();
}

}  // namespace jem
