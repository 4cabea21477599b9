// Debian 13's LibTorch 2.6 links a static LLVM into libtorch_cpu and exports its C API. Mesa's
// drivers (llvmpipe under Xvfb and in VMs, radeonsi) call the same LLVM C functions by name, so
// once libtorch is in the process they bound to its LLVM instead of their own libLLVM and crashed
// creating the GL context (seen in a trixie root: a segfault in driCreateContextAttribs; plain
// GLFW without libtorch was fine). Call before glfwInit: where the process exports the LLVM C API
// and Mesa is installed, Mesa's GLX library is loaded first with RTLD_DEEPBIND, so that it and
// its driver resolve their symbols in their own dependencies first. Elsewhere it does nothing.
#pragma once

namespace jem::window {

// True when it preloaded Mesa deep-bound (the workaround was needed and applied).
bool isolate_gl_driver_from_torch();

}  // namespace jem::window
