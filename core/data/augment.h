// The official JEM training augmentation for images: reflect-pad 4, random crop back to size,
// random horizontal flip (where it keeps the class). Inputs and outputs are rows [B, C*H*W].
#pragma once
#include <ATen/ATen.h>

#include <vector>

namespace jem {

at::Tensor augment_images(const at::Tensor& x, const std::vector<int64_t>& image_shape, bool flip,
                          at::Generator& gen);

}  // namespace jem
