// Copies of (small) tensors into std::vector, for the torch-free views the UI and CLI read.
#pragma once
#include <ATen/ATen.h>

#include <vector>

namespace jem {

template <typename T>
std::vector<T> to_vector(const at::Tensor& t) {
  at::Tensor c = t.detach().to(at::kCPU).contiguous();
  return std::vector<T>(c.data_ptr<T>(), c.data_ptr<T>() + c.numel());
}

inline std::vector<int> to_ints(const at::Tensor& t) { return to_vector<int>(t.to(at::kInt)); }

}  // namespace jem
