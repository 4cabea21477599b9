#include "app/panels/density_truth.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>

#include "core/jem/chain_temperature.h"

namespace jem::window {
namespace {

// The newest row where `get` is finite, or null; drawn every frame, so only the recent rows are
// searched (evaluations come every eval_every iterations).
const StepStats* latest(const MetricsHistory& h, const std::function<double(const StepStats&)>& get, size_t rows) {
  for (size_t i = h.size(), n = 0; i-- > 0 && n < rows; ++n)
    if (std::isfinite(get(h[i]))) return &h[i];
  return nullptr;
}

std::string format(const char* fmt, double a, double b = 0, double c = 0, double d = 0) {
  char buf[256];
  std::snprintf(buf, sizeof buf, fmt, a, b, c, d);
  return buf;
}

// A converged sampler's buffer scores about what an exact sampler with as many draws does.
constexpr double kConvergedSlack = 0.1;  // nats above the exact sampler's floor

}  // namespace

std::vector<TruthLine> density_truth_lines(const Settings& s, const MetricsHistory& h) {
  std::vector<TruthLine> out;
  const size_t rows = 2 * size_t(std::max(s.eval_every, 1)) + 64;
  const double beta = chains_beta(s);
  out.push_back({beta == 1.0 ? TruthLevel::Ok : TruthLevel::Warn, chains_density_note(s)});
  if (s.p_x_estimator == "quadrature" && (s.p_x_weight > 0 || s.p_x_y_weight > 0))
    out.push_back({TruthLevel::Ok, "p(x) term: exact negative phase by quadrature (a perfect sampler); the chains "
                                   "only feed the views"});
  if (const StepStats* m = latest(h, [](const StepStats& r) { return r.accept_rate; }, rows)) {
    std::string t = format("MALA acceptance %.2f at step %.3g", m->accept_rate, m->sampler_step);
    if (s.mala_target_accept > 0) t += format(" (adapting toward %.2f)", s.mala_target_accept);
    out.push_back({m->accept_rate < 0.2 ? TruthLevel::Warn : TruthLevel::Ok, t});
  }
  if (const StepStats* k = latest(h, [](const StepStats& r) { return r.kl_true; }, rows)) {
    std::string t = format("KL to the true density: model exp(f) %.3g nats", k->kl_true);
    if (beta != 1.0 && std::isfinite(k->kl_chains)) t += format(", chains' exp(beta f) %.3g nats", k->kl_chains);
    out.push_back({TruthLevel::Info, t + format(" (step %.0f)", double(k->step))});
  }
  if (const StepStats* q = latest(h, [](const StepStats& r) { return r.buffer_kl; }, rows)) {
    const bool converged = q->buffer_kl <= q->probe_kl_floor + kConvergedSlack;
    std::string t = format("buffer vs exp(beta f): histogram KL %.3g nats, an exact sampler %.3g", q->buffer_kl,
                           q->probe_kl_floor);
    if (std::isfinite(q->probe_kl)) t += format(", after %.0f more steps %.3g", double(s.probe_steps), q->probe_kl);
    t += converged ? ": the chains have converged" : ": the chains have not converged to the density they sample";
    out.push_back({converged ? TruthLevel::Ok : TruthLevel::Warn, t});
  }
  return out;
}

double latest_kl(const MetricsHistory& h, size_t rows) {
  const StepStats* r = latest(h, [](const StepStats& x) { return x.kl_true; }, rows);
  return r ? r->kl_true : NAN;
}

}  // namespace jem::window
