#include "core/sweep/sweep_plan.h"

#include <cmath>
#include <cstdio>
#include <sstream>

#include "core/params/schema.h"
#include "core/util/error.h"

namespace jem {

std::vector<std::string> split_sweep_values(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream ss(text);
  for (std::string v; std::getline(ss, v, ',');) {
    const size_t a = v.find_first_not_of(" \t"), b = v.find_last_not_of(" \t");
    if (a != std::string::npos) out.push_back(v.substr(a, b - a + 1));
  }
  return out;
}

void check_sweep_plan(const SweepPlan& plan) {
  if (plan.param.empty()) throw Error("sweep: no knob to sweep (give --param NAME)");
  const ParamSpec& spec = param_or_throw(plan.param);  // "unknown knob 'x' (did you mean ...)"
  // The seed loop sets the seed of every run: sweeping it as a knob would be silently overridden.
  if (spec.set_per_sweep_run) throw Error("sweep: '" + spec.name + "' is set per run by seeds=N; sweep another knob");
  if (spec.not_compared) throw Error("sweep: " + spec.name + ": " + spec.not_compared);
  if (plan.values.empty()) throw Error("sweep of " + plan.param + ": no values (give v1,v2,...)");
  if (plan.seeds < 1 || plan.seeds > 1000) throw Error("sweep of " + plan.param + ": seeds must be 1..1000");
  if (plan.iters < 1 || plan.iters > 10000000) throw Error("sweep of " + plan.param + ": iterations must be 1..1e7");
  for (size_t i = 0; i < plan.values.size(); ++i) validate(sweep_run_settings(plan, i, 1));
}

Settings sweep_run_settings(const SweepPlan& plan, size_t value_index, int seed) {
  Settings s = plan.base;
  set_param(s, plan.param, plan.values.at(value_index));  // throws naming the knob and its range
  s.seed = seed;
  return s;
}

std::string sweep_number(double v) {
  if (!std::isfinite(v)) return "";
  char b[32];
  std::snprintf(b, sizeof b, "%.6g", v);
  return b;
}

std::string sweep_csv_header() {
  return "param,value,seed,accuracy,ece,auroc_px,test_nll,kl_true,kl_chains,mmd2,probe_kl,final_loss,divergences";
}

std::string sweep_csv_row(const std::string& param, const SweepRow& r) {
  return param + ',' + r.value + ',' + std::to_string(r.seed) + ',' + sweep_number(r.accuracy) + ',' +
         sweep_number(r.ece) + ',' + sweep_number(r.auroc) + ',' + sweep_number(r.nll) + ',' + sweep_number(r.kl) + ',' +
         sweep_number(r.kl_chains) + ',' + sweep_number(r.mmd2) + ',' + sweep_number(r.probe_kl) + ',' + sweep_number(r.loss) +
         ',' + std::to_string(r.divergences);
}

std::string sweep_csv(const std::string& param, const std::vector<SweepRow>& rows) {
  std::string out = sweep_csv_header() + '\n';
  for (const SweepRow& r : rows) out += sweep_csv_row(param, r) + '\n';
  return out;
}

}  // namespace jem
