#include "core/jem/sampler.h"

#include <cmath>

#include "core/jem/trainer_state.h"
#include "core/model/make_model.h"

namespace jem {

double langevin_noise_std(const Settings& s) {
  return s.proper_langevin ? std::sqrt(2.0 * s.sgld_lr) : s.sgld_std;
}

SgldParams sgld_params(const TrainerState& t, int record) {
  const Settings& s = t.s;
  SgldParams p;
  p.step = s.sgld_lr;
  p.noise_std = langevin_noise_std(s);
  p.n_steps = s.n_steps;
  p.clip_grad = s.sgld_clip_grad;
  if (s.sgld_clamp) {
    p.lo = t.init.lo();
    p.hi = t.init.hi();
  }
  p.record = record;
  p.split_chains = splits_chains(*t.net);
  return p;
}

Samples sample_q(TrainerState& t, const at::Tensor& y, int64_t batch, int record) {
  const Settings& s = t.s;
  at::Generator& gen = t.rng->dev();
  ChainStart start = t.buffer.draw(batch, y, s.reinit_freq, t.init, s.sgld_init, s.init_noise, gen);
  EnergyNet& net = *t.net;
  net.eval();
  ScoreFn score = [&net](const at::Tensor& x, const at::Tensor& yy) { return net.score(x, yy); };
  SgldResult r = run_sgld(score, start.x0, y, sgld_params(t, record), gen);
  net.train();
  t.buffer.write_back(start, r.x, s.n_steps);
  return Samples{r.x, r.trajectory, r.mean_grad_norm};
}

}  // namespace jem
