// sample_q of the official code: draw chains from the replay buffer (or fresh), run SGLD on the
// model's score with the model in eval mode, and write the results back.
#pragma once
#include <ATen/ATen.h>

#include <limits>

#include "core/jem/sgld.h"
#include "core/params/settings.h"

namespace jem {

struct TrainerState;

constexpr double kNaNSample = std::numeric_limits<double>::quiet_NaN();

struct Samples {
  at::Tensor x;           // [B,D]
  at::Tensor trajectory;  // [n_steps+1, R, D] when record > 0
  double mean_grad_norm = 0;
  double accept_rate = kNaNSample;  // MALA only
  double step = 0;                  // the step the chains took
};

// sqrt(2 * sgld_lr) with proper_langevin (true Langevin dynamics) or MALA, else sgld_std.
double langevin_noise_std(const Settings& s);
// sgld_lr, or MALA's adapted step when mala_target_accept > 0.
double sampler_step(const TrainerState& t);
SgldParams sgld_params(const TrainerState& t, int record);
// y defined: class-conditional chains (f(x)[y]) in class y's buffer slots; else p(x) chains.
// flight: keep this call's chains in the flight recorder (when it is on).
Samples sample_q(TrainerState& t, const at::Tensor& y, int64_t batch, int record, bool flight = false);

}  // namespace jem
