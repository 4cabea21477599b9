// Estimates of what a run, a sampling request or a quadrature grid will allocate, from the
// knobs and the data's shape alone (before anything is built), for core/util/memory_budget.
// They count the big tensors (data, replay buffer, chains, the activations autograd keeps,
// parameters with their gradients and moments) and are meant to be right within a factor of
// two: enough to refuse a request that cannot fit, not to plan to the last megabyte.
#pragma once
#include <cstdint>
#include <vector>

#include "core/params/settings.h"

namespace jem {

struct DataShape {
  int64_t dim = 2;                   // values per row
  std::vector<int64_t> image_shape;  // {C,H,W}, empty for 2D points
  int n_classes = 2;
};

// Floats one row keeps alive through a forward and backward pass of the model.
double activation_floats_per_row(const Settings& s, const DataShape& d);
double parameter_count(const Settings& s, const DataShape& d);

double training_bytes(const Settings& s, const DataShape& d);                    // buffer, model, one step
double sampling_bytes(const Settings& s, const DataShape& d, int64_t n_chains);  // chains through the model
double quadrature_bytes(int64_t res);                                            // a res x res grid's values

}  // namespace jem
