#include "core/jem/chain_temperature.h"

#include <cmath>
#include <cstdio>

namespace jem {

double chains_beta(const Settings& s) {
  if (s.sampler == "mala" || s.proper_langevin) return 1.0;
  if (!(s.sgld_std > 0)) return INFINITY;
  return 2.0 * s.sgld_lr / (s.sgld_std * s.sgld_std);
}

std::string chains_density_note(const Settings& s) {
  if (s.sampler == "mala") return "MALA: the chains target exp(f) exactly (accept/reject corrects the step's bias)";
  const double beta = chains_beta(s);
  if (std::isinf(beta)) return "no noise: the chains climb to the modes of f (beta = inf), they sample no density";
  char buf[160];
  if (std::abs(beta - 1) < 0.05) {
    std::snprintf(buf, sizeof buf, "proper Langevin: the chains sample exp(f), biased by the step (unadjusted)");
  } else {
    std::snprintf(buf, sizeof buf, beta >= 10 ? "chains sample exp(%.0f f): a sampler, not this density (beta = 2 sgld_lr / sgld_std^2)"
                                              : "chains sample exp(%.3g f): a sampler, not this density (beta = 2 sgld_lr / sgld_std^2)",
                  beta);
  }
  std::string note = buf;
  if (s.sgld_clip_grad > 0) note += "; gradient clipping distorts it further";
  return note;
}

}  // namespace jem
