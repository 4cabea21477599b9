// Turns a published FieldGrid into the one scalar the landscape shows (no GL: unit-testable).
#pragma once
#include <string>
#include <vector>

#include "core/jem/views.h"

namespace jem::window {

enum class FieldMode { NegEnergy, Energy, Density, ClassProb, ClassLogit };
constexpr int kFieldModeCount = 5;
const char* field_mode_name(FieldMode m);

struct ScalarField {
  std::vector<float> values;  // res*res, row-major with y outer (as FieldGrid)
  float lo = 0, hi = 1;       // colour range: robust percentiles, or fixed for probabilities
  std::string label;          // what the colour bar shows, e.g. "log p(x)"
};

// log_scale: densities and probabilities as logs; energies and logits as sign*log10(1+|v|).
// `k` selects the class for ClassProb and ClassLogit.
ScalarField make_scalar_field(const FieldGrid& g, FieldMode mode, bool log_scale, int k);

// log Z by quadrature over the grid: logsumexp of -E over cells + log(cell area). Only the mass
// inside the grid's box is counted, so the view should cover the data.
double log_partition_on_grid(const FieldGrid& g);

// The class with the largest logit at each cell (the decision regions).
std::vector<int> argmax_classes(const FieldGrid& g);

}  // namespace jem::window
