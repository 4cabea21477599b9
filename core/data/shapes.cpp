#include "core/data/shapes.h"

#include <ATen/CPUGeneratorImpl.h>

namespace jem {
namespace {

constexpr int64_t kSide = 16;
constexpr int kShapes = 4;

// n images [N,3,16,16] in [-1,1]: one shape each, random centre, size and colour on a dark,
// slightly noisy background. Edges are soft (a logistic of the signed distance) so that the
// images are smooth enough for SGLD to reach them in few steps.
std::pair<at::Tensor, at::Tensor> draw(int64_t n, at::Generator& g) {
  at::Tensor y = at::randint(kShapes, {n}, g);
  auto u = [&](double lo, double hi) { return (lo + (hi - lo) * at::rand({n, 1, 1}, g)); };
  at::Tensor cx = u(5, 11), cy = u(5, 11), r = u(3, 5.5);
  at::Tensor coord = at::arange(kSide, at::kFloat) + 0.5f;
  at::Tensor dx = coord.view({1, 1, kSide}) - cx, dy = coord.view({1, kSide, 1}) - cy;  // [N,16,16]
  at::Tensor adx = dx.abs(), ady = dy.abs();
  // Signed distances (negative inside), one per shape, then the one of each image's class.
  at::Tensor disc = at::sqrt(dx * dx + dy * dy) - r;
  at::Tensor square = at::maximum(adx, ady) - 0.8 * r;
  at::Tensor triangle = at::maximum(dy.abs() - 0.8 * r, adx - (dy + r) * 0.5);  // apex up
  at::Tensor bar = r / 3;
  at::Tensor plus = at::minimum(at::maximum(adx - bar, ady - r), at::maximum(ady - bar, adx - r));
  at::Tensor all = at::stack({disc, square, triangle, plus}, 1);  // [N,4,16,16]
  at::Tensor d = all.gather(1, y.view({n, 1, 1, 1}).expand({n, 1, kSide, kSide}));
  at::Tensor mask = at::sigmoid(-2.5 * d);                          // [N,1,16,16]
  at::Tensor colour = 0.35 + 0.65 * at::rand({n, 3, 1, 1}, g);      // bright, any hue
  at::Tensor background = 0.08 + 0.04 * at::rand({n, 3, kSide, kSide}, g);
  at::Tensor img = background * (1 - mask) + colour * mask;         // [0,1]
  return {(img * 2 - 1).view({n, -1}).contiguous(), y.to(at::kLong)};
}

}  // namespace

Dataset make_shapes(const Settings& s) {
  at::Generator g = at::make_generator<at::CPUGeneratorImpl>(static_cast<uint64_t>(s.data_seed));
  Dataset d;
  d.name = "shapes";
  d.n_classes = kShapes;
  d.image_shape = {3, kSide, kSide};
  d.flip_ok = true;
  std::tie(d.x_train, d.y_train) = draw(s.n_train, g);
  std::tie(d.x_test, d.y_test) = draw(s.n_test, g);
  if (s.n_valid > 0) std::tie(d.x_valid, d.y_valid) = draw(s.n_valid, g);
  d.box = Box{-1, 1, -1, 1};
  return d;
}

std::vector<std::string> shape_class_names() { return {"disc", "square", "triangle", "plus"}; }

}  // namespace jem
