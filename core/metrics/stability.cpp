#include "core/metrics/stability.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>

namespace jem {
namespace {


// Level of a value that is bad when large.
Level grade_high(double v, double warn, double alarm) {
  if (!std::isfinite(v)) return Level::Unknown;
  return v >= alarm ? Level::Alarm : v >= warn ? Level::Warn : Level::Ok;
}

std::string fmt(const char* f, double a, double b = 0) {
  char buf[200];
  std::snprintf(buf, sizeof buf, f, a, b);
  return buf;
}

}  // namespace

double slope(const std::vector<double>& x, const std::vector<double>& y) {
  double sx = 0, sy = 0, n = 0;
  for (size_t i = 0; i < std::min(x.size(), y.size()); ++i)
    if (std::isfinite(x[i]) && std::isfinite(y[i])) sx += x[i], sy += y[i], ++n;
  if (n < 2) return kNaN;
  const double mx = sx / n, my = sy / n;
  double sxy = 0, sxx = 0;
  for (size_t i = 0; i < std::min(x.size(), y.size()); ++i)
    if (std::isfinite(x[i]) && std::isfinite(y[i])) sxy += (x[i] - mx) * (y[i] - my), sxx += (x[i] - mx) * (x[i] - mx);
  return sxx > 0 ? sxy / sxx : kNaN;
}

double autocorrelation(const std::vector<double>& v, int lag) {
  const int n = static_cast<int>(v.size());
  if (lag < 1 || n <= lag + 1) return kNaN;
  double m = 0;
  for (double x : v) m += x;
  m /= n;
  double var = 0, cov = 0;
  for (int i = 0; i < n; ++i) var += (v[i] - m) * (v[i] - m);
  for (int i = 0; i + lag < n; ++i) cov += (v[i] - m) * (v[i + lag] - m);
  return var > 0 ? cov / var : kNaN;
}

const char* level_name(Level l) {
  switch (l) {
    case Level::Ok: return "ok";
    case Level::Warn: return "warning";
    case Level::Alarm: return "alarm";
    case Level::Unknown: return "n/a";
  }
  return "?";
}

std::vector<Indicator> stability_indicators(const StabilityInputs& in) {
  std::vector<Indicator> out;
  {
    // The gap rising means samples fall behind the data: the sampler no longer keeps up.
    Indicator g{"gap trend", slope(in.steps, in.gaps), 0.002, 0.02};
    g.level = grade_high(g.value, g.warn, g.alarm);
    g.explanation = g.level == Level::Unknown ? "needs a few iterations"
                    : g.value > g.warn ? fmt("f(x_data) - f(x_q) grows by %.3g per iteration: the samples lag behind the data", g.value)
                                       : "f(x_data) - f(x_q) is steady: samples keep up with the data";
    out.push_back(g);
  }
  {
    // Drift much larger than noise: the chains are an optimiser, not a sampler.
    const double r = in.mean_noise > 0 ? in.mean_drift / in.mean_noise : (in.mean_drift > 0 ? INFINITY : kNaN);
    Indicator d{"drift / noise", r, 10, 1000};
    d.level = grade_high(r, d.warn, d.alarm);
    d.explanation = d.level == Level::Unknown ? "no chains recorded yet"
                    : r >= d.warn ? fmt("each step moves %.3g times more by gradient than by noise: chains descend, they do not sample", r)
                                  : "gradient and noise steps are comparable: Langevin-like sampling";
    out.push_back(d);
  }
  {
    Indicator o{"samples outside the box", in.outside_box, 0.05, 0.25};
    o.level = grade_high(o.value, o.warn, o.alarm);
    o.explanation = o.value >= o.warn ? fmt("%.0f%% of the buffer left the data box: chains are escaping", 100 * o.value)
                                      : "the buffer stays where the data are";
    out.push_back(o);
  }
  {
    // E(buffer) far below E(data): the model has holes the sampler found (or the reverse).
    const double spread = std::abs(in.noise_energy - in.data_energy);
    const double v = spread > 0 ? (in.data_energy - in.buffer_energy) / spread : kNaN;
    Indicator e{"buffer energy vs data", v, 0.5, 2.0};
    e.level = grade_high(std::abs(v), e.warn, e.alarm);
    e.explanation = !std::isfinite(v) ? "needs data and noise energies"
                    : v > e.warn ? "the buffer sits at lower energy than the data: the sampler found spurious modes"
                    : v < -e.warn ? "the buffer sits at higher energy than the data: chains do not reach the data"
                                  : "buffer and data have similar energies";
    out.push_back(e);
  }
  {
    double worst = kNaN;
    for (double a : in.slot_agreement) worst = std::isfinite(worst) ? std::min(worst, a) : a;
    Indicator c{"class slots agree", worst, 0.5, 0.2};
    c.level = !std::isfinite(worst) ? Level::Unknown : worst <= c.alarm ? Level::Alarm : worst <= c.warn ? Level::Warn : Level::Ok;
    c.explanation = !std::isfinite(worst) ? "class-conditional buffers only"
                                          : fmt("the worst class slot holds %.0f%% samples of its own class", 100 * worst);
    out.push_back(c);
  }
  {
    // Mixing: chain energies that barely change from step to step are stuck.
    double sum = 0;
    int n = 0;
    for (const auto& e : in.chain_energies) {
      const double a = autocorrelation(e, 1);
      if (std::isfinite(a)) sum += a, ++n;
    }
    Indicator m{"energy autocorrelation (lag 1)", n ? sum / n : kNaN, 0.9, 0.99};
    m.level = grade_high(m.value, m.warn, m.alarm);
    m.explanation = m.level == Level::Unknown ? "no chains recorded yet"
                    : m.value >= m.warn ? "successive energies nearly equal: chains mix slowly (or are stuck)"
                                        : "chain energies decorrelate within a few steps";
    out.push_back(m);
  }
  return out;
}

std::vector<int> chains_by_peak_drift(const ChainTrace& tr, int k) {
  std::vector<std::pair<double, int>> peak;
  for (int c = 0; c < tr.n_chains; ++c) {
    double m = 0;
    for (int t = 0; t < tr.n_steps && size_t(t) * tr.n_chains + c < tr.grad_norm.size(); ++t) {
      const double d = tr.drift_norm(t, c);
      m = std::isfinite(d) ? std::max(m, d) : INFINITY;
    }
    peak.push_back({m, c});
  }
  std::stable_sort(peak.begin(), peak.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  std::vector<int> out;
  for (int i = 0; i < std::min<int>(k, int(peak.size())); ++i) out.push_back(peak[size_t(i)].second);
  return out;
}

}  // namespace jem

namespace jem {
namespace {

// Bit for bit, so that NaN == NaN and -0 != 0: a replay either repeats the arithmetic or not.
bool same_bits(const std::vector<float>& a, const std::vector<float>& b) {
  return a.size() == b.size() && (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0);
}

double max_abs_diff(const std::vector<float>& a, const std::vector<float>& b) {
  if (a.size() != b.size()) return INFINITY;
  double m = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::memcmp(&a[i], &b[i], sizeof(float)) == 0) continue;
    const double d = std::fabs(double(a[i]) - double(b[i]));
    m = std::isfinite(d) ? std::max(m, d) : INFINITY;
  }
  return m;
}

}  // namespace

ReplayCheck compare_replay(const ChainTrace& rec, const ChainTrace& rep) {
  ReplayCheck c;
  c.n_chains = rep.n_chains;
  c.n_steps = rep.n_steps;
  const bool same_shape = rec.n_chains == rep.n_chains && rec.n_steps == rep.n_steps && rec.dim == rep.dim;
  c.positions = same_shape && same_bits(rec.x, rep.x);
  c.energies = same_shape && same_bits(rec.energy, rep.energy);
  c.grad_norms = same_shape && same_bits(rec.grad_norm, rep.grad_norm);
  c.noise_norms = same_shape && same_bits(rec.noise_norm, rep.noise_norm);
  c.max_abs_diff = same_shape ? std::max({max_abs_diff(rec.x, rep.x), max_abs_diff(rec.energy, rep.energy),
                                          max_abs_diff(rec.grad_norm, rep.grad_norm),
                                          max_abs_diff(rec.noise_norm, rep.noise_norm)})
                              : INFINITY;
  return c;
}

}  // namespace jem
