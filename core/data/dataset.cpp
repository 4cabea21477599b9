#include "core/data/dataset.h"

#include <ATen/CPUGeneratorImpl.h>

#include "core/data/images/image_datasets.h"
#include "core/data/points_csv.h"
#include "core/data/shapes.h"
#include "core/data/toy2d.h"
#include "core/util/error.h"

namespace jem {
namespace {

// uint8 N x C x H x W -> float rows in [-1,1] (the official Normalize(.5, .5)).
std::pair<at::Tensor, at::Tensor> to_rows(const ImageSet& set) {
  const int64_t n = set.n, d = static_cast<int64_t>(set.image_bytes());
  at::Tensor px = at::from_blob(const_cast<uint8_t*>(set.pixels.data()), {n, d}, at::kByte);
  at::Tensor x = px.to(at::kFloat).div_(127.5).sub_(1.0);
  std::vector<int64_t> labels(set.labels.begin(), set.labels.end());
  at::Tensor y = at::tensor(labels, at::kLong).view({n});
  return {x.contiguous(), y};
}

// Image sets from files: at most n_train / n_test images, drawn in a seeded order; the
// validation hold-out comes out of the training split first.
Dataset load_images(const Settings& s) {
  ImageSet train = load_image_dataset(s.data_dir, s.dataset, "train");
  ImageSet test = load_image_dataset(s.data_dir, s.dataset, "test");
  if (train.image_bytes() != test.image_bytes() || train.n_classes != test.n_classes)
    throw Error("dataset " + s.dataset + ": train and test files disagree on the image size or classes");
  if (train.n <= s.n_valid)
    throw Error("n_valid: " + std::to_string(s.n_valid) + " leaves no training image (" + s.dataset + " has " +
                std::to_string(train.n) + ")");
  Dataset d;
  d.name = s.dataset;
  d.n_classes = train.n_classes;
  d.image_shape = {train.channels, train.height, train.width};
  d.flip_ok = s.dataset == "cifar10" || s.dataset == "cifar100";  // a mirrored digit is another glyph
  d.box = Box{-1, 1, -1, 1};
  at::Generator g = at::make_generator<at::CPUGeneratorImpl>(static_cast<uint64_t>(s.data_seed));
  auto [xtr, ytr] = to_rows(train);
  at::Tensor order = at::randperm(train.n, g);
  if (s.n_valid > 0) {
    at::Tensor v = order.narrow(0, 0, s.n_valid);
    d.x_valid = xtr.index_select(0, v);
    d.y_valid = ytr.index_select(0, v);
  }
  const int64_t n_tr = std::min<int64_t>(s.n_train, train.n - s.n_valid);
  at::Tensor tr = order.narrow(0, s.n_valid, n_tr);
  d.x_train = xtr.index_select(0, tr);
  d.y_train = ytr.index_select(0, tr);
  auto [xte, yte] = to_rows(test);
  const int64_t n_te = std::min<int64_t>(s.n_test, test.n);
  at::Tensor te = at::randperm(test.n, g).narrow(0, 0, n_te);
  d.x_test = xte.index_select(0, te);
  d.y_test = yte.index_select(0, te);
  return d;
}

// CIFAR-shaped uniform noise with random labels: timing the image path with no files.
Dataset cifar_shaped_noise(const Settings& s) {
  at::Generator g = at::make_generator<at::CPUGeneratorImpl>(static_cast<uint64_t>(s.data_seed));
  Dataset d;
  d.name = s.dataset;
  d.n_classes = 10;
  d.image_shape = {3, 32, 32};
  d.flip_ok = true;
  d.box = Box{-1, 1, -1, 1};
  auto draw = [&](int64_t n, at::Tensor& x, at::Tensor& y) {
    x = at::rand({n, 3 * 32 * 32}, g) * 2 - 1;
    y = at::arange(n, at::kLong) % 10;  // every class present
  };
  draw(s.n_train, d.x_train, d.y_train);
  draw(s.n_test, d.x_test, d.y_test);
  return d;
}

// Your own points (dataset csv): a fifth of the rows, picked by data_seed, held out for testing;
// the box is the data's range with a tenth of its larger side around it.
Dataset points_from_csv(const Settings& s) {
  PointsTable p = read_points_csv(s.data_file);
  const int64_t n = int64_t(p.label.size());
  const at::Tensor x = at::from_blob(p.xy.data(), {n, 2}, at::kFloat).clone();
  const at::Tensor y = at::from_blob(p.label.data(), {n}, at::kInt).to(at::kLong);
  at::Generator g = at::make_generator<at::CPUGeneratorImpl>(static_cast<uint64_t>(s.data_seed));
  const at::Tensor order = at::randperm(n, g);
  const int64_t n_test = std::max<int64_t>(2, n / 5);
  Dataset d;
  d.name = "csv";
  d.n_classes = p.n_classes;
  d.content_hash = p.content_hash;
  d.x_test = x.index_select(0, order.narrow(0, 0, n_test)).contiguous();
  d.y_test = y.index_select(0, order.narrow(0, 0, n_test)).contiguous();
  d.x_train = x.index_select(0, order.narrow(0, n_test, n - n_test)).contiguous();
  d.y_train = y.index_select(0, order.narrow(0, n_test, n - n_test)).contiguous();
  const at::Tensor lo = std::get<0>(x.min(0)), hi = std::get<0>(x.max(0));
  const float margin = std::max(1e-3f, 0.1f * (hi - lo).max().item<float>());
  d.box = Box{lo[0].item<float>() - margin, hi[0].item<float>() + margin, lo[1].item<float>() - margin,
              hi[1].item<float>() + margin};
  return d;
}

}  // namespace

Dataset make_dataset(const Settings& s) {
  if (s.dataset == "csv") return points_from_csv(s);
  if (s.dataset == "shapes") return make_shapes(s);
  if (s.dataset == "cifar_noise") return cifar_shaped_noise(s);
  if (is_image_dataset(s.dataset)) return load_images(s);
  return make_toy2d(s);
}

std::pair<at::Tensor, at::Tensor> chain_box(const Dataset& d) {
  if (d.is_image()) {
    const int64_t n = d.dim();
    return {at::full({n}, -1.0f), at::full({n}, 1.0f)};
  }
  return {at::tensor({d.box.x0, d.box.y0}), at::tensor({d.box.x1, d.box.y1})};
}

}  // namespace jem
