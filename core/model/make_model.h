// The model a Settings names, shaped for a dataset: an MLP on 2D points (or flattened images),
// a small CNN or a Wide-ResNet on images.
#pragma once
#include <memory>

#include "core/data/dataset.h"
#include "core/model/energy_net.h"

namespace jem {

// Throws Error for a model that cannot take this data (a CNN on 2D points) or a bad shape.
std::shared_ptr<EnergyNet> make_model(const Settings& s, const Dataset& d, at::Generator& gen);

// Whether the model's score has a hand-written gradient with no shared state, so that SGLD may
// split the chains across threads (autograd models use the threads inside each op instead).
bool splits_chains(const EnergyNet& net);

}  // namespace jem
