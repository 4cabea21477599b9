// Work-arounds for defects of the GL drivers the lab meets, Mesa's above all.
//
// Debian 13's LibTorch 2.6 links a static LLVM into libtorch_cpu and exports its C API. Mesa's
// drivers (llvmpipe under Xvfb and in VMs, radeonsi) call the same LLVM C functions by name, so
// once libtorch is in the process they bound to its LLVM instead of their own libLLVM and crashed
// creating the GL context (seen in a trixie root: a segfault in driCreateContextAttribs; plain
// GLFW without libtorch was fine). Call before glfwInit: where the process exports the LLVM C API
// and Mesa is installed, Mesa's GLX library is loaded first with RTLD_DEEPBIND, so that it and
// its driver resolve their symbols in their own dependencies first. The sanitizer runtimes refuse
// RTLD_DEEPBIND: there Mesa's softpipe, which calls no LLVM, draws instead. Elsewhere it does
// nothing.
#pragma once

namespace jem::window {

// True when it preloaded Mesa deep-bound (the workaround was needed and applied).
bool isolate_gl_driver_from_torch();

// Mesa's software rasteriser (llvmpipe: Xvfb, VMs without a GPU) draws on threads of its own, one
// a core, unless LP_NUM_THREADS says otherwise, and those fought the trainer for the cores. Its
// fences also race (Mesa 22.3 to 25 at least): the context's thread reads a fence's count without
// the fence's lock (lp_fence_signalled), and may then free the fence while the rasteriser thread
// that signalled it is still unlocking its mutex, a write of zeros into freed memory, the likely
// cause of two crashes of the lab in glibc's malloc (README, "Hardening"). With LP_NUM_THREADS=0
// llvmpipe draws on the context's thread: no race, and as fast here. Call before glfwInit; a
// user's own LP_NUM_THREADS is kept.
void draw_llvmpipe_on_the_context_thread();

// After the context is made: llvmpipe's rasteriser threads in this process (0 elsewhere), with a
// warning on stderr when there are any (a user's LP_NUM_THREADS), naming the race above.
int warn_of_llvmpipe_threads();

}  // namespace jem::window
