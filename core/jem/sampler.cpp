#include "core/jem/sampler.h"

#include <algorithm>
#include <cmath>

#include "core/jem/trainer_state.h"
#include "core/model/make_model.h"
#include "core/model/precision.h"

namespace jem {

double langevin_noise_std(const Settings& s) {
  return s.proper_langevin || s.sampler == "mala" ? std::sqrt(2.0 * s.sgld_lr) : s.sgld_std;
}

double sampler_step(const TrainerState& t) {
  const Settings& s = t.s;
  const bool adapted = s.sampler == "mala" && s.mala_target_accept > 0 && t.mala_step > 0 && t.mala_step_from == s.sgld_lr;
  return adapted ? t.mala_step : s.sgld_lr;
}

SgldParams sgld_params(const TrainerState& t, int record) {
  const Settings& s = t.s;
  SgldParams p;
  p.mala = s.sampler == "mala";
  p.step = sampler_step(t);
  p.noise_std = p.mala ? std::sqrt(2.0 * p.step) : langevin_noise_std(s);
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

namespace {

// Between iterations (never inside a chain, which keeps each chain's MCMC exact): the log step
// moves toward the target acceptance, within sgld_lr's range.
void adapt_mala_step(TrainerState& t, double accept_rate) {
  const Settings& s = t.s;
  if (s.sampler != "mala" || !(s.mala_target_accept > 0) || !std::isfinite(accept_rate)) return;
  const double step = sampler_step(t);
  t.mala_step = std::clamp(step * std::exp(accept_rate - s.mala_target_accept), 1e-6, 100.0);
  t.mala_step_from = s.sgld_lr;
}

// Models above this many parameters are not copied each iteration (a WRN-28-10 is 146 MB):
// their chains are still traced, but cannot be replayed.
constexpr int64_t kMaxReplayParams = 2000000;

SgldTrace* start_flight_record(TrainerState& t, const ChainStart& start, const at::Tensor& y, SgldParams& p,
                               at::Generator& gen) {
  FlightEntry& e = t.recorder.add(t.step + 1);
  e.gen_state = gen.get_state();
  e.x0 = start.x0.clone();
  e.y = y.defined() ? y.clone() : at::Tensor();
  int64_t n = 0;
  for (const auto& q : t.net->parameters()) n += q.numel();
  if (n <= kMaxReplayParams) {
    torch::NoGradGuard no_grad;
    for (const auto& q : t.net->parameters()) e.params.push_back(q.detach().clone());
    for (const auto& q : t.net->buffers()) e.params.push_back(q.detach().clone());
  }
  e.sgld = p;
  e.autocast = t.s.amp == "bf16";
  e.trace.keep_x = start.x0.size(1) <= 64;
  return &e.trace;
}

}  // namespace

Samples sample_q(TrainerState& t, const at::Tensor& y, int64_t batch, int record, bool flight) {
  const Settings& s = t.s;
  at::Generator& gen = t.rng->dev();
  ChainStart start = t.buffer.draw(batch, y, s.reinit_freq, t.init, s.sgld_init, s.init_noise, gen);
  EnergyNet& net = *t.net;
  net.eval();
  ScoreFn score = [&net](const at::Tensor& x, const at::Tensor& yy) { return net.score(x, yy); };
  SgldParams p = sgld_params(t, record);
  t.recorder.set_capacity(s.flight_recorder);
  if (flight && s.flight_recorder > 0) p.trace = start_flight_record(t, start, y, p, gen);
  SgldResult r;
  {
    if (s.cuda_graphs && cuda_graphs_built() && graph_eligible(p, start.x0)) {
      r = t.sgld_graph.run(net, s.amp == "bf16", start.x0, y, p, gen);
    } else {
      AutocastScope autocast(t.device, s.amp == "bf16");
      r = run_sgld(score, start.x0, y, p, gen);
    }
  }
  net.train();
  t.buffer.write_back(start, r.x, s.n_steps);
  adapt_mala_step(t, r.accept_rate);
  return Samples{r.x, r.trajectory, r.mean_grad_norm, r.accept_rate, p.step};
}

}  // namespace jem
