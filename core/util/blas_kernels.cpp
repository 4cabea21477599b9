#include "core/util/blas_kernels.h"

#include <dlfcn.h>

#include <cstdlib>
#include <cstring>
#include <string>

namespace jem {

namespace {

using CoreName = char* (*)();
using DynamicInit = void (*)();

CoreName openblas_corename() { return reinterpret_cast<CoreName>(dlsym(RTLD_DEFAULT, "openblas_get_corename")); }

// 1: no AVX2 (SSE and AVX kernels: Prescott, Nehalem, Sandybridge, ...), 2: AVX2, 3: AVX-512.
int kernel_class(const std::string& name) {
  for (const char* n : {"SkylakeX", "Cooperlake", "SapphireRapids"})
    if (name == n) return 3;
  for (const char* n : {"Haswell", "Zen"})
    if (name == n) return 2;
  return 1;
}

// What OpenBLAS had picked, where jemlab replaced it: a plain array, constant-initialised, since
// the constructor below may run before this file's dynamic initialisers.
char replaced_kernels[32] = {};

// Runs before main, after every library's initialiser: OpenBLAS has picked its kernels. Where it
// picked a class below the CPU's and the environment named none, it picks again with
// OPENBLAS_CORETYPE set (its own dynamic initialiser, exported by every DYNAMIC_ARCH build), before
// any product has run; the variable is unset again, so that children choose for themselves.
__attribute__((constructor)) void repick_openblas_kernels() {
  const CoreName core_name = openblas_corename();
  const char* ours = openblas_kernels_for_this_cpu();
  if (!core_name || !ours || std::getenv("OPENBLAS_CORETYPE")) return;
  const std::string picked = core_name();
  if (kernel_class(picked) >= kernel_class(ours)) return;
  auto quit = reinterpret_cast<DynamicInit>(dlsym(RTLD_DEFAULT, "gotoblas_dynamic_quit"));
  auto init = reinterpret_cast<DynamicInit>(dlsym(RTLD_DEFAULT, "gotoblas_dynamic_init"));
  if (!quit || !init) return;
  setenv("OPENBLAS_CORETYPE", ours, 1);
  quit();
  init();
  unsetenv("OPENBLAS_CORETYPE");
  std::strncpy(replaced_kernels, picked.c_str(), sizeof replaced_kernels - 1);
}

}  // namespace

// A C name for the libraries' link option (-u) to pull this file, and its constructor, into every
// executable, also where nothing calls into it.
extern "C" {
extern const int jemlab_repicks_openblas_kernels;
const int jemlab_repicks_openblas_kernels = 1;
}

const char* openblas_kernels_for_this_cpu() {
#if defined(__x86_64__)
  __builtin_cpu_init();  // a constructor may run before libgcc's
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl") &&
      __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512cd"))
    return __builtin_cpu_supports("avx512bf16") ? "Cooperlake" : "SkylakeX";
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return __builtin_cpu_is("amd") ? "Zen" : "Haswell";
#endif
  return nullptr;
}

std::string blas_kernels_in_use() {
  const CoreName core_name = openblas_corename();
  if (!core_name) return "not OpenBLAS";
  std::string name = std::string("OpenBLAS ") + core_name();
  if (replaced_kernels[0]) name += std::string(" (jemlab's choice; OpenBLAS picked ") + replaced_kernels + ")";
  return name;
}

}  // namespace jem
