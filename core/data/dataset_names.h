// The dataset knob's names, in one place: the 2D sets generated in-process, and the image sets.
// (image_dataset_names() in core/data/images lists only the sets read from files.)
// Torch-free: the schema, the window and the OOD sets all read these.
#pragma once
#include <algorithm>
#include <string>
#include <vector>

namespace jem {

inline const std::vector<std::string>& toy2d_names() {
  static const std::vector<std::string> v = {"moons", "circles", "8gaussians", "spirals", "checkerboard", "pinwheel"};
  return v;
}

inline const std::vector<std::string>& image_dataset_choices() {
  static const std::vector<std::string> v = {"shapes", "cifar10", "cifar100", "svhn", "mnist", "fashion_mnist", "cifar_noise"};
  return v;
}

inline bool is_toy2d(const std::string& name) {
  const auto& v = toy2d_names();
  return std::find(v.begin(), v.end(), name) != v.end();
}
// 2D points: a generated set, or your own (dataset csv, read from data_file).
inline bool is_points_dataset(const std::string& name) { return is_toy2d(name) || name == "csv"; }

}  // namespace jem
