#include "app/panels/field_scalar.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace jem::window {
namespace {

float symlog(float v) { return std::copysign(std::log10(1.0f + std::fabs(v)), v); }

// Percentiles rather than min/max: a few extreme cells at the view's edge (energies grow fast
// away from the data) would otherwise flatten the colours where the data is.
void robust_range(const std::vector<float>& v, float& lo, float& hi) {
  std::vector<float> finite;
  finite.reserve(v.size());
  for (float x : v)
    if (std::isfinite(x)) finite.push_back(x);
  if (finite.empty()) {
    lo = 0, hi = 1;
    return;
  }
  const size_t a = finite.size() / 200, b = finite.size() - 1 - finite.size() / 200;
  std::nth_element(finite.begin(), finite.begin() + a, finite.end());
  lo = finite[a];
  std::nth_element(finite.begin(), finite.begin() + b, finite.end());
  hi = finite[b];
  if (!(hi > lo)) hi = lo + 1e-6f;
}

}  // namespace

const char* field_mode_name(FieldMode m) {
  switch (m) {
    case FieldMode::NegEnergy: return "-E(x) = log p(x) + log Z";
    case FieldMode::Energy: return "E(x)";
    case FieldMode::Density: return "p(x), normalised on the grid";
    case FieldMode::ChainDensity: return "density the chains sample, exp(beta f)/Z";
    case FieldMode::ClassProb: return "p(y|x) of one class";
    case FieldMode::ClassLogit: return "logit f(x)[y] of one class";
  }
  return "?";
}

const char* field_mode_key(FieldMode m) {
  static const char* const keys[kFieldModeCount] = {"neg_energy", "energy", "density", "chains_density", "class_prob",
                                                    "class_logit"};
  return keys[static_cast<int>(m)];
}

bool field_mode_from_key(const std::string& key, FieldMode& mode) {
  for (int m = 0; m < kFieldModeCount; ++m)
    if (key == field_mode_key(FieldMode(m))) return mode = FieldMode(m), true;
  return false;
}

double log_partition_on_grid(const FieldGrid& g, double beta) {
  if (g.neg_energy.empty() || g.res <= 0 || !std::isfinite(beta)) return 0;
  double m = -INFINITY;
  for (float v : g.neg_energy)
    if (std::isfinite(v)) m = std::max(m, beta * v);
  if (!std::isfinite(m)) return 0;
  double sum = 0;
  for (float v : g.neg_energy)
    if (std::isfinite(v)) sum += std::exp(beta * v - m);
  const double cell_area = double(g.box.width()) * g.box.height() / (double(g.res) * g.res);
  return m + std::log(sum) + std::log(cell_area);
}

std::vector<int> argmax_classes(const FieldGrid& g) {
  const size_t cells = size_t(g.res) * g.res;
  std::vector<int> out(cells, 0);
  const int k = g.n_classes;
  if (k <= 0 || g.logits.size() < cells * k) return out;
  for (size_t i = 0; i < cells; ++i) {
    const float* l = &g.logits[i * k];
    out[i] = static_cast<int>(std::max_element(l, l + k) - l);
  }
  return out;
}

ScalarField make_scalar_field(const FieldGrid& g, FieldMode mode, bool log_scale, int k) {
  ScalarField out;
  const size_t cells = size_t(g.res) * g.res;
  out.values.resize(cells);
  const int K = std::max(g.n_classes, 1);
  k = std::clamp(k, 0, K - 1);
  const bool have_classes = g.probs.size() >= cells * K && g.logits.size() >= cells * K;
  bool fixed_range = false;
  switch (mode) {
    case FieldMode::NegEnergy:
    case FieldMode::Energy: {
      const float sign = mode == FieldMode::Energy ? -1.0f : 1.0f;
      for (size_t i = 0; i < cells && i < g.neg_energy.size(); ++i) {
        const float v = sign * g.neg_energy[i];
        out.values[i] = log_scale ? symlog(v) : v;
      }
      out.label = mode == FieldMode::Energy ? "E(x)" : "-E(x)";
      if (log_scale) out.label = "symlog " + out.label;
      break;
    }
    case FieldMode::Density:
    case FieldMode::ChainDensity: {
      // Without noise (beta = inf) the chains sample no density: they climb to the modes of f,
      // drawn with beta 1e6: a point mass at the grid's best cell (a larger beta would lose log Z's
      // digits to the cancellation in beta f - log Z).
      const bool chains = mode == FieldMode::ChainDensity;
      const double beta = chains ? std::min(g.beta, 1e6) : 1.0;
      const double log_z = log_partition_on_grid(g, beta);
      for (size_t i = 0; i < cells && i < g.neg_energy.size(); ++i) {
        const double lp = beta * g.neg_energy[i] - log_z;
        out.values[i] = log_scale ? static_cast<float>(std::max(lp, -30.0)) : static_cast<float>(std::exp(lp));
      }
      char name[64];
      if (g.beta == 1) std::snprintf(name, sizeof name, "exp(f)/Z");
      else std::snprintf(name, sizeof name, "exp(%.4g f)/Z", g.beta);
      const std::string base = chains ? name : "p(x)";
      out.label = log_scale ? "log " + base : base;
      // A sharp exp(beta f) is a few bright cells: percentiles would clip exactly those away.
      if (chains && !log_scale) {
        fixed_range = true;
        out.lo = 0, out.hi = std::max(*std::max_element(out.values.begin(), out.values.end()), 1e-30f);
      }
      break;
    }
    case FieldMode::ClassProb: {
      for (size_t i = 0; i < cells && have_classes; ++i) {
        const float p = g.probs[i * K + k];
        out.values[i] = log_scale ? std::max(std::log10(std::max(p, 1e-12f)), -6.0f) : p;
      }
      out.label = (log_scale ? "log10 p(y=" : "p(y=") + std::to_string(k) + "|x)";
      fixed_range = !log_scale;
      out.lo = 0, out.hi = 1;
      break;
    }
    case FieldMode::ClassLogit: {
      for (size_t i = 0; i < cells && have_classes; ++i) {
        const float v = g.logits[i * K + k];
        out.values[i] = log_scale ? symlog(v) : v;
      }
      out.label = (log_scale ? "symlog f(x)[" : "f(x)[") + std::to_string(k) + "]";
      break;
    }
  }
  if (!fixed_range) robust_range(out.values, out.lo, out.hi);
  return out;
}

}  // namespace jem::window
