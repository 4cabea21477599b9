#include "app/panels/sweep_logic.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <map>
#include <sstream>

#include "core/util/error.h"

namespace jem::window {
namespace {

int parse_count(const std::string& key, const std::string& text, int lo, int hi) {
  char* end = nullptr;
  const long v = std::strtol(text.c_str(), &end, 10);
  if (text.empty() || *end != '\0' || v < lo || v > hi)
    throw Error("--sweep: " + key + "='" + text + "' must be a whole number in [" + std::to_string(lo) + ", " +
                std::to_string(hi) + "]");
  return int(v);
}

std::string short_value(double v) {
  char b[32];
  std::snprintf(b, sizeof b, "%.3g", v);
  return b;
}

// The value as a number for a numeric axis; false for text that is not one.
bool numeric_value(const std::string& text, double& v) {
  char* end = nullptr;
  v = std::strtod(text.c_str(), &end);
  return !text.empty() && *end == '\0' && std::isfinite(v);
}

}  // namespace

SweepRequest parse_sweep_option(const std::string& text) {
  static const char* kForm = " (expected \"KNOB=v1,v2,... [seeds=N] [iters=N]\", e.g. \"p_x_weight=0,1 seeds=1 iters=60\")";
  SweepRequest r;
  std::istringstream in(text);
  for (std::string tok; in >> tok;) {
    const size_t eq = tok.find('=');
    if (eq == std::string::npos || eq == 0) throw Error("--sweep: '" + tok + "' is not NAME=VALUE" + kForm);
    const std::string key = tok.substr(0, eq), value = tok.substr(eq + 1);
    if (key == "seeds") r.seeds = parse_count(key, value, 1, 1000);
    else if (key == "iters") r.iters = parse_count(key, value, 1, 10000000);
    else if (!r.param.empty()) throw Error("--sweep: two knobs, '" + r.param + "' and '" + key + "': a sweep varies one" + kForm);
    else r.param = key, r.values = value;
  }
  if (r.param.empty()) throw Error(std::string("--sweep: no knob given") + kForm);
  if (split_sweep_values(r.values).empty()) throw Error("--sweep: no values for " + r.param + kForm);
  return r;
}

bool make_sweep_plan(const SweepRequest& r, const Settings& base, SweepPlan& plan, std::string& error) {
  plan = SweepPlan{};
  plan.param = r.param;
  plan.values = split_sweep_values(r.values);
  plan.seeds = r.seeds, plan.iters = r.iters;
  plan.base = base;
  // Display-only recordings (trajectory view, flight recorder) cost time and change no metric.
  plan.base.record_chains = 0, plan.base.flight_recorder = 0;
  try {
    check_sweep_plan(plan);
    // Duplicates would sit on one x and make the mean line double back.
    for (size_t i = 0; i < plan.values.size(); ++i)
      for (size_t j = 0; j < i; ++j)
        if (get_param(sweep_run_settings(plan, i, 1), plan.param) == get_param(sweep_run_settings(plan, j, 1), plan.param))
          throw Error(plan.param + ": the value '" + plan.values[i] + "' is given twice");
  } catch (const std::exception& e) {
    error = e.what();
    return false;
  }
  error.clear();
  return true;
}

bool sweepable(const ParamSpec& p) {
  return !p.not_compared && !p.set_per_sweep_run && p.type != ParamType::Text;
}

std::string suggest_sweep_values(const ParamSpec& p, const Settings& current) {
  if (p.type == ParamType::Bool) return "false,true";
  if (p.type == ParamType::Choice) {
    // The choices that stand with the other knobs as they are (dataset csv needs a data_file).
    std::string out;
    for (const auto& c : p.choices) {
      Settings probe = current;
      try {
        set_param(probe, p.name, c);
        validate(probe);
      } catch (const std::exception&) {
        continue;
      }
      out += (out.empty() ? "" : ",") + c;
    }
    return out;
  }
  if (p.type == ParamType::Text) return get_param(current, p.name);
  const double cur = get_number(current, p);
  std::vector<double> v;
  if (p.log_scale) v = {cur / 10, cur, cur * 10};
  else if (cur == 0) v = {0, p.max >= 1 ? 1.0 : p.max / 2, p.max >= 10 ? 10.0 : p.max};
  else v = {0, cur / 2, cur, cur * 2};
  std::string out;
  std::vector<double> seen;
  for (double x : v) {
    x = std::clamp(x, p.min, p.max);
    if (p.type == ParamType::Int) x = std::round(x);
    if (std::find(seen.begin(), seen.end(), x) != seen.end()) continue;
    seen.push_back(x);
    out += (out.empty() ? "" : ",") + short_value(x);
  }
  return out;
}

SweepChart build_sweep_chart(const SweepPlan& plan, const std::vector<SweepRow>& rows) {
  SweepChart c;
  const ParamSpec* spec = find_param(plan.param);
  c.categorical = !spec || spec->type == ParamType::Bool || spec->type == ParamType::Choice || spec->type == ParamType::Text;
  c.log_x = !c.categorical && spec->log_scale;
  // x of each value; a value that is no number (cannot happen once checked) falls back to categories.
  std::vector<double> xs;
  for (size_t i = 0; i < plan.values.size() && !c.categorical; ++i) {
    double v = 0;
    if (!numeric_value(plan.values[i], v) || (c.log_x && v <= 0)) c.categorical = true, c.log_x = false;
    xs.push_back(c.log_x ? std::log10(v) : v);
  }
  if (c.categorical) {
    xs.clear();
    for (size_t i = 0; i < plan.values.size(); ++i) xs.push_back(double(i));
  }
  for (size_t i = 0; i < plan.values.size(); ++i) c.ticks.push_back({xs[i], plan.values[i]});
  double lo = INFINITY, hi = -INFINITY;
  for (double x : xs) lo = std::min(lo, x), hi = std::max(hi, x);
  if (!std::isfinite(lo)) lo = 0, hi = 1;
  const double pad = hi > lo ? 0.08 * (hi - lo) : (c.categorical || c.log_x ? 0.5 : std::max(0.5, std::abs(lo) * 0.5));
  c.x_lo = lo - (c.categorical && hi > lo ? 0.5 : pad), c.x_hi = hi + (c.categorical && hi > lo ? 0.5 : pad);

  std::map<std::string, size_t> index_of;
  for (size_t i = 0; i < plan.values.size(); ++i) index_of.emplace(plan.values[i], i);
  const char* titles[] = {"test accuracy", "ECE (calibration error)", "OOD AUROC, px score", "exact test NLL (nats)"};
  for (int k = 0; k < 4; ++k) {
    SweepMetricPlot m;
    m.title = titles[k];
    std::vector<double> sum(plan.values.size(), 0);
    std::vector<int> count(plan.values.size(), 0);
    double ylo = INFINITY, yhi = -INFINITY;
    for (const SweepRow& r : rows) {
      const double y = k == 0 ? r.accuracy : k == 1 ? r.ece : k == 2 ? r.auroc : r.nll;
      const auto it = index_of.find(r.value);
      if (!std::isfinite(y) || it == index_of.end()) continue;
      m.points.push_back({xs[it->second], y, r.seed, r.value});
      sum[it->second] += y, ++count[it->second];
      ylo = std::min(ylo, y), yhi = std::max(yhi, y);
    }
    for (size_t i = 0; i < plan.values.size(); ++i)
      if (count[i]) m.means.push_back({xs[i], sum[i] / count[i], 0, plan.values[i]});
    std::sort(m.means.begin(), m.means.end(), [](const SweepPoint& a, const SweepPoint& b) { return a.x < b.x; });
    if (std::isfinite(ylo)) {
      if (yhi - ylo < 1e-9) {  // one value everywhere: a narrow band around it
        const double d = 0.05 * std::max(1e-3, std::abs(yhi));
        ylo -= d, yhi += d;
      }
      const double ypad = 0.1 * (yhi - ylo);
      m.y_lo = ylo - ypad, m.y_hi = yhi + ypad;
    }
    c.metrics.push_back(std::move(m));
  }
  return c;
}

}  // namespace jem::window
