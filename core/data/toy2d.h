// 2D toy datasets generated in-process from a seed: moons, circles, 8 Gaussians, spirals,
// checkerboard, pinwheel. Small, labelled, and (for some) with an analytic true density.
#pragma once
#include <ATen/ATen.h>

#include <functional>
#include <string>

#include "core/data/box.h"
#include "core/params/settings.h"

namespace jem {

struct Dataset2D {
  std::string name;
  int n_classes = 2;
  at::Tensor x_train, y_train, x_test, y_test;  // float [N,2], int64 [N], on the CPU
  Box box;  // data range plus a margin: where uniform chains start and the view opens
  // log p_true(x) for [N,2] points, when the density is known in closed form; else empty.
  std::function<at::Tensor(const at::Tensor&)> log_p_true;
};

// Uses dataset, n_train, n_test, data_noise, n_classes and data_seed.
Dataset2D make_toy2d(const Settings& s);
int toy2d_classes(const Settings& s);  // class count without generating anything

}  // namespace jem
