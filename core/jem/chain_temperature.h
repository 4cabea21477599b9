// Which density the chains sample. x += a grad f(x) + s N(0, I) is unadjusted Langevin on
// exp(beta f) with beta = 2a / s^2 (Nijkamp et al. 2020): the official pair a = 1, s = 0.01 samples
// exp(20000 f), a sharpened copy of the model's density, not exp(f). Torch-free.
#pragma once
#include <string>

#include "core/params/settings.h"

namespace jem {

// 1 for proper Langevin and MALA; +inf without noise (gradient ascent to the modes).
double chains_beta(const Settings& s);
// One line for the Stability tab and the CLI, e.g. "chains sample exp(2000 f): a sampler, not this density".
std::string chains_density_note(const Settings& s);

}  // namespace jem
