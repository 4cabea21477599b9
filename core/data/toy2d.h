// 2D toy datasets generated in-process from a seed: moons, circles, 8 Gaussians, spirals,
// checkerboard, pinwheel. Small, labelled, and (for some) with an analytic true density.
#pragma once
#include "core/data/dataset.h"

namespace jem {

// Uses dataset, n_train, n_test, data_noise, n_classes and data_seed.
Dataset make_toy2d(const Settings& s);
int toy2d_classes(const Settings& s);  // class count without generating anything

}  // namespace jem
