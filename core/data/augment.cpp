#include "core/data/augment.h"

namespace jem {

at::Tensor augment_images(const at::Tensor& x, const std::vector<int64_t>& shape, bool flip, at::Generator& gen) {
  constexpr int64_t pad = 4;
  const int64_t B = x.size(0), C = shape[0], H = shape[1], W = shape[2];
  at::Tensor img = at::reflection_pad2d(x.view({B, C, H, W}), {pad, pad, pad, pad});  // [B,C,H+8,W+8]
  // One crop offset per image, gathered in one indexing op: rows oy+i, columns ox+j.
  const auto lopt = x.options().dtype(at::kLong);
  at::Tensor oy = at::randint(2 * pad + 1, {B, 1, 1}, gen, lopt);
  at::Tensor ox = at::randint(2 * pad + 1, {B, 1, 1}, gen, lopt);
  at::Tensor rows = oy + at::arange(H, lopt).view({1, H, 1});
  at::Tensor cols = ox + at::arange(W, lopt).view({1, 1, W});
  at::Tensor b = at::arange(B, lopt).view({B, 1, 1});
  at::Tensor out = img.permute({0, 2, 3, 1}).index({b, rows, cols}).permute({0, 3, 1, 2});  // [B,C,H,W]
  if (flip) {
    at::Tensor mirror = at::rand({B, 1, 1, 1}, gen, x.options()) < 0.5;
    out = at::where(mirror, out.flip({3}), out);
  }
  return out.reshape({B, C * H * W}).contiguous();
}

}  // namespace jem
