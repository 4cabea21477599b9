#include "app/panels/ab_logic.h"

#include <algorithm>
#include <cmath>

#include "core/data/dataset_names.h"
#include "core/params/schema.h"
#include "core/util/error.h"

namespace jem::window {
namespace {

std::string trim(const std::string& s) {
  const size_t a = s.find_first_not_of(" \t\r\n"), b = s.find_last_not_of(" \t\r\n");
  return a == std::string::npos ? "" : s.substr(a, b - a + 1);
}

// The 95th percentile of |v| (finite cells only): a few extreme cells at the edge of the view must
// not wash out the differences where the data is.
float robust_abs_limit(const std::vector<float>& v) {
  std::vector<float> a;
  a.reserve(v.size());
  for (float x : v)
    if (std::isfinite(x)) a.push_back(std::fabs(x));
  if (a.empty()) return 1;
  const size_t k = a.size() - 1 - a.size() / 20;
  std::nth_element(a.begin(), a.begin() + k, a.end());
  return std::max(a[k], 1e-6f);
}

}  // namespace

std::string knob_diff_error(const std::string& name, const std::string& value) {
  try {
    const ParamSpec& p = param_or_throw(name);
    if (p.not_compared) return p.name + ": " + p.not_compared;
    Settings probe;
    set_param(probe, name, value);  // the schema's parse and range check, as the runner does
    // The maps draw 2D energy landscapes: the image sets have none.
    if (!is_points_dataset(probe.dataset)) return "dataset: A/B compares 2D energy landscapes and '" + probe.dataset + "' is an image set";
  } catch (const std::exception& e) {
    return e.what();
  }
  return "";
}

std::vector<KnobDiff> parse_knob_diffs(const std::string& text) {
  std::vector<KnobDiff> out;
  size_t start = 0;
  while (start <= text.size()) {
    const size_t comma = std::min(text.find(',', start), text.size());
    const std::string item = trim(text.substr(start, comma - start));
    start = comma + 1;
    if (item.empty()) continue;
    const size_t eq = item.find('=');
    if (eq == std::string::npos)
      throw Error("'" + item + "' is not KNOB=VALUE (e.g. sgld_lr=3,n_steps=5)");
    const KnobDiff d{trim(item.substr(0, eq)), trim(item.substr(eq + 1))};
    if (d.name.empty()) throw Error("'" + item + "' names no knob (e.g. sgld_lr=3)");
    if (const std::string why = knob_diff_error(d.name, d.value); !why.empty()) throw Error(why);
    put_knob_diff(out, d);
  }
  if (out.empty()) throw Error("no knob differences given (e.g. sgld_lr=3,n_steps=5)");
  return out;
}

void put_knob_diff(std::vector<KnobDiff>& diffs, const KnobDiff& d) {
  for (KnobDiff& old : diffs)
    if (old.name == d.name) {
      old.value = d.value;
      return;
    }
  diffs.push_back(d);
}

Settings settings_for_b(const Settings& a, const std::vector<KnobDiff>& diffs) {
  Settings b = a;
  for (const KnobDiff& d : diffs) {
    if (const std::string why = knob_diff_error(d.name, d.value); !why.empty()) throw Error(why);
    set_param(b, d.name, d.value);
  }
  validate(b);  // the cross-knob rules, on the combination
  return b;
}

int ab_threads(unsigned cores) { return std::max(1, (static_cast<int>(cores) - 1) / 2); }

std::string ab_summary(const Settings& a, const Settings& b) {
  std::string out;
  for (const ParamSpec& p : schema()) {
    if (p.not_compared) continue;  // threads: the A/B split sets it
    const std::string va = get_param(a, p.name), vb = get_param(b, p.name);
    if (va == vb) continue;
    out += (out.empty() ? "B: " : ", ") + p.name + " " + vb + " (A " + va + ")";
  }
  return out.empty() ? "B: same knobs as A" : out;
}

ColorRange shared_range(const ScalarField& a, const ScalarField& b) {
  ColorRange r{std::min(a.lo, b.lo), std::max(a.hi, b.hi)};
  if (!(r.hi > r.lo)) r.hi = r.lo + 1e-6f;
  return r;
}

bool grids_match(const FieldGrid& a, const FieldGrid& b) {
  const size_t cells = size_t(std::max(a.res, 0)) * std::max(a.res, 0);
  return a.res > 0 && a.res == b.res && a.box == b.box && a.neg_energy.size() == cells &&
         b.neg_energy.size() == cells;
}

const char* diff_mode_name(DiffMode m) {
  return m == DiffMode::Normalised ? "E_A - E_B, each normalised on the grid" : "E_A - E_B, raw";
}

std::optional<EnergyDiff> energy_difference(const FieldGrid& a, const FieldGrid& b, DiffMode mode) {
  if (!grids_match(a, b)) return std::nullopt;
  EnergyDiff d;
  // E = -neg_energy. Normalised: E + log Z = -log p(x), so the difference is log p_B - log p_A.
  const double offset = mode == DiffMode::Normalised ? log_partition_on_grid(a) - log_partition_on_grid(b) : 0;
  d.values.resize(a.neg_energy.size());
  double sum = 0;
  size_t n = 0;
  for (size_t i = 0; i < d.values.size(); ++i) {
    d.values[i] = static_cast<float>(double(b.neg_energy[i]) - double(a.neg_energy[i]) + offset);
    if (std::isfinite(d.values[i])) sum += d.values[i], ++n;
  }
  d.mean = n ? static_cast<float>(sum / n) : 0.0f;
  d.limit = robust_abs_limit(d.values);
  d.label = mode == DiffMode::Normalised ? "E_A - E_B (normalised)" : "E_A - E_B";
  return d;
}

}  // namespace jem::window
