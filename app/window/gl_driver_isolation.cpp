#include "app/window/gl_driver_isolation.h"

#include <dlfcn.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <string>

namespace jem::window {

#if defined(__linux__) && defined(RTLD_DEEPBIND)
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
#if defined(JEMLAB_SANITIZE_BUILD)
  // The sanitizer runtimes refuse RTLD_DEEPBIND. Mesa's softpipe calls no LLVM: slower, but it
  // lets the sanitizer builds open the window on Debian 13 (a user's GALLIUM_DRIVER is kept).
  if (setenv("GALLIUM_DRIVER", "softpipe", /*overwrite=*/0) == 0)
    std::fprintf(stderr, "jemlab: sanitizer build: Mesa cannot be kept apart from LibTorch's LLVM (no RTLD_DEEPBIND), "
                         "so GALLIUM_DRIVER=%s draws\n", std::getenv("GALLIUM_DRIVER"));
  return false;
#else
  // Kept loaded for the life of the process: GLX finds it already relocated.
  return dlopen("libGLX_mesa.so.0", RTLD_NOW | RTLD_LOCAL | RTLD_DEEPBIND) != nullptr;
#endif
}
#else
bool isolate_gl_driver_from_torch() { return false; }
#endif

void draw_llvmpipe_on_the_context_thread() { setenv("LP_NUM_THREADS", "0", /*overwrite=*/0); }

int warn_of_llvmpipe_threads() {
  int threads = 0;
  std::error_code error;
  for (const auto& task : std::filesystem::directory_iterator("/proc/self/task", error)) {
    std::string name;
    std::getline(std::ifstream(task.path() / "comm"), name);
    threads += name.rfind("llvmpipe", 0) == 0;  // Mesa names them llvmpipe-0, llvmpipe-1, ...
  }
  if (threads > 0) {
    const char* set = std::getenv("LP_NUM_THREADS");
    std::fprintf(stderr,
                 "jemlab: warning: llvmpipe draws on %d thread%s of its own (LP_NUM_THREADS=%s); Mesa's llvmpipe can then "
                 "free a fence that one of them is still unlocking, which can crash the lab in malloc. Unset "
                 "LP_NUM_THREADS (the lab then sets 0: llvmpipe draws on the window's thread)\n",
                 threads, threads == 1 ? "" : "s", set ? set : "unset");
  }
  return threads;
}

}  // namespace jem::window
