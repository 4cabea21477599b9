// Turns a published FieldGrid into the one scalar the landscape shows (no GL: unit-testable).
#pragma once
#include <string>
#include <vector>

#include "core/jem/views.h"

namespace jem::window {

// ChainDensity: exp(beta f) / Z_beta, the density the SGLD chains sample (FieldGrid::beta).
enum class FieldMode { NegEnergy, Energy, Density, ChainDensity, ClassProb, ClassLogit };
constexpr int kFieldModeCount = 6;
const char* field_mode_name(FieldMode m);
const char* field_mode_key(FieldMode m);  // "neg_energy", "chains_density", ...: the --field option's words
// The mode a key names; false when none does.
bool field_mode_from_key(const std::string& key, FieldMode& mode);

struct ScalarField {
  std::vector<float> values;  // res*res, row-major with y outer (as FieldGrid)
  float lo = 0, hi = 1;       // colour range: robust percentiles, or fixed for probabilities
  std::string label;          // what the colour bar shows, e.g. "log p(x)"
};

// log_scale: densities and probabilities as logs; energies and logits as sign*log10(1+|v|).
// `k` selects the class for ClassProb and ClassLogit.
ScalarField make_scalar_field(const FieldGrid& g, FieldMode mode, bool log_scale, int k);

// log Z_beta by quadrature over the grid: logsumexp of beta (-E) over cells + log(cell area).
// Only the mass inside the grid's box is counted, so the view should cover the data.
double log_partition_on_grid(const FieldGrid& g, double beta = 1.0);

// The class with the largest logit at each cell (the decision regions).
std::vector<int> argmax_classes(const FieldGrid& g);

}  // namespace jem::window
