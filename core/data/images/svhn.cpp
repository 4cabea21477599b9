// SVHN cropped digits (http://ufldl.stanford.edu/housenumbers/): train_32x32.mat and
// test_32x32.mat hold X (uint8, 32 x 32 x 3 x N) and y (N x 1 labels, 10 standing for digit 0).
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <string>

#include "core/data/images/byte_io.h"
#include "core/data/images/image_set.h"
#include "core/data/images/mat5.h"
#include "core/util/error.h"

namespace jem {
namespace {

std::string format_number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.10g", v);
  return buf;
}

}  // namespace

ImageSet parse_svhn_mat(std::string_view bytes, const std::string& origin) {
  const std::vector<MatArray> arrays = read_mat5_arrays(bytes, origin, {"X", "y"});
  const MatArray* X = nullptr;
  const MatArray* y = nullptr;
  for (const MatArray& a : arrays) (a.name == "X" ? X : y) = &a;
  if (!X || !y)
    throw Error(origin + ": no variable '" + (X ? "y" : "X") +
                "'; an SVHN file holds X (images) and y (labels)");

  // MATLAB drops trailing singleton dimensions: a single image is 32 x 32 x 3.
  std::vector<uint64_t> d = X->dims;
  while (d.size() < 4) d.push_back(1);
  std::string shape;
  for (size_t i = 0; i < X->dims.size(); ++i)
    shape += (i ? " x " : "") + std::to_string(X->dims[i]);
  if (X->mx_class != mat5::mxUINT8_CLASS || X->data_type != mat5::miUINT8)
    throw Error(origin + ": X is a " + mat5::class_name(X->mx_class) + " array stored as " +
                mat5::type_name(X->data_type) + ", expected uint8");
  if (d.size() != 4 || d[0] < 1 || d[0] > 4096 || d[1] < 1 || d[1] > 4096 || d[2] < 1 || d[2] > 4 ||
      d[3] < 1 || d[3] > uint64_t(INT32_MAX))
    throw Error(origin + ": X is " + shape +
                ", expected height x width x channels x N (e.g. 32 x 32 x 3 x N)");
  const uint64_t H = d[0], W = d[1], C = d[2], N = d[3];
  if (y->numel() != N || y->dims.size() != 2 || (y->dims[0] != 1 && y->dims[1] != 1))
    throw Error(origin + ": y has " + std::to_string(y->dims[0]) + " x " +
                std::to_string(y->dims[1]) + (y->dims.size() > 2 ? " x ..." : "") +
                " elements, expected " + std::to_string(N) +
                " x 1 (one label per image of X, which is " + shape + ")");

  ImageSet s;
  s.name = "svhn";
  s.n = int(N);
  s.channels = int(C);
  s.height = int(H);
  s.width = int(W);
  s.n_classes = 10;
  const std::vector<double> labels = mat_array_to_doubles(*y);
  s.labels.resize(N);
  for (uint64_t i = 0; i < N; ++i) {
    const double v = labels[i];
    // 10 is SVHN's digit 0; 0 itself appears in converted copies and means the same.
    if (!(v >= 0 && v <= 10) || v != std::floor(v))
      throw Error(origin + ": y(" + std::to_string(i + 1) + ") is " + format_number(v) +
                  ", expected a digit label 1..10 (10 standing for 0)");
    s.labels[i] = int32_t(v) % 10;
  }
  // Column-major X(h, w, c, n) sits at h + H (w + W (c + C n)); ours is ((n C + c) H + h) W + w.
  s.pixels.resize(N * C * H * W);
  const auto* in = reinterpret_cast<const uint8_t*>(X->real.data());
  uint8_t* out = s.pixels.data();
  for (uint64_t plane = 0; plane < N * C; ++plane) {
    const uint8_t* src = in + plane * H * W;
    for (uint64_t h = 0; h < H; ++h)
      for (uint64_t w = 0; w < W; ++w) *out++ = src[h + H * w];
  }
  return s;
}

ImageSet read_svhn_mat(const std::string& path) {
  const std::string bytes = read_file_capped(path, kMaxImageFileBytes);
  return parse_svhn_mat(bytes, path);
}

}  // namespace jem
