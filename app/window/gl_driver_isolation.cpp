#include "app/window/gl_driver_isolation.h"

#include <dlfcn.h>

#include <cstring>
#include <initializer_list>

namespace jem::window {

// Sanitizer runtimes refuse RTLD_DEEPBIND; Debian 12's LibTorch exports no LLVM, so this is off.
#if defined(__linux__) && defined(RTLD_DEEPBIND) && !defined(JEMLAB_SANITIZE_BUILD)
namespace {

// Whether a library other than libLLVM itself (libtorch_cpu 2.6 on Debian 13) exports LLVM's C
// API into the process's global scope. It exports only part of it, hence several names.
bool foreign_llvm_exported() {
  for (const char* name : {"LLVMCreateDIBuilder", "LLVMConsumeError", "LLVMContextCreate"}) {
    void* symbol = dlsym(RTLD_DEFAULT, name);
    Dl_info info{};
    if (symbol && dladdr(symbol, &info) && info.dli_fname && !std::strstr(info.dli_fname, "libLLVM")) return true;
  }
  return false;
}

}  // namespace

bool isolate_gl_driver_from_torch() {
  if (!foreign_llvm_exported()) return false;
  // Kept loaded for the life of the process: GLX finds it already relocated.
  return dlopen("libGLX_mesa.so.0", RTLD_NOW | RTLD_LOCAL | RTLD_DEEPBIND) != nullptr;
}
#else
bool isolate_gl_driver_from_torch() { return false; }
#endif

}  // namespace jem::window
