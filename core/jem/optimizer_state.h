// How LibTorch keys an optimiser's per-parameter state: by the parameter's TensorImpl in
// LibTorch 2, by its address as text in 1.13.
#pragma once
#include <torch/optim.h>
#include <torch/version.h>

#include <string>

namespace jem {

#if TORCH_VERSION_MAJOR >= 2
inline void* state_key(const at::Tensor& p) { return p.unsafeGetTensorImpl(); }
#else
inline std::string state_key(const at::Tensor& p) { return c10::guts::to_string(p.unsafeGetTensorImpl()); }
#endif

}  // namespace jem
