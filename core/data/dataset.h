// A labelled dataset as the trainer sees it: 2D points or images, both as rows of a float
// matrix (images flattened C x H x W and scaled to [-1, 1]), so that the sampler, the buffer and
// the objective handle both alike; the models reshape images themselves.
#pragma once
#include <ATen/ATen.h>

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "core/data/box.h"
#include "core/params/settings.h"

namespace jem {

struct Dataset {
  std::string name;
  int n_classes = 2;
  at::Tensor x_train, y_train, x_test, y_test;  // float [N,D], int64 [N], on the CPU
  at::Tensor x_valid, y_valid;                  // the n_valid hold-out (undefined when 0)
  std::vector<int64_t> image_shape;             // {C,H,W} for images; empty for 2D points
  bool flip_ok = false;                         // a horizontal flip keeps the class (not for digits)
  Box box;  // 2D: data range plus a margin: where uniform chains start and the view opens
  // log p_true(x) for [N,2] points, when the density is known in closed form; else empty.
  std::function<at::Tensor(const at::Tensor&)> log_p_true;
  std::vector<float> modes;  // [m*2] centres of the density's separate modes (8 Gaussians); else empty
  uint64_t content_hash = 0;  // csv data: FNV-1a of the file (a checkpoint refuses a changed file); else 0

  bool is_image() const { return !image_shape.empty(); }
  int64_t dim() const { return x_train.defined() ? x_train.size(1) : 0; }
};

// The dataset Settings name: generated (toys, shapes) or read from data_dir. Throws Error naming
// a missing or damaged file and where to get it.
Dataset make_dataset(const Settings& s);
// Corners [D] of the box uniform chains start in: the 2D data box, or [-1,1] per pixel.
std::pair<at::Tensor, at::Tensor> chain_box(const Dataset& d);

}  // namespace jem
