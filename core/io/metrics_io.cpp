#include "core/io/metrics_io.h"

#include <cmath>
#include <nlohmann/json.hpp>
#include <sstream>
#include <utility>
#include <vector>

namespace jem {
namespace {

std::vector<std::pair<const char*, double>> fields(const StepStats& s) {
  return {{"loss", s.loss},       {"l_px", s.l_px},         {"l_pyx", s.l_pyx},
          {"l_pxy", s.l_pxy},     {"l_reg", s.l_reg},       {"acc", s.acc},
          {"f_data", s.f_data},   {"f_q", s.f_q},           {"gap", s.gap},
          {"grad_norm", s.grad_norm}, {"sgld_grad_norm", s.sgld_grad_norm}, {"lr", s.lr},
          {"wall_s", s.wall_s},   {"test_acc", s.test_acc}, {"test_nll", s.test_nll},
          {"kl_true", s.kl_true}, {"test_nll_chains", s.test_nll_chains}, {"kl_chains", s.kl_chains},
          {"accept_rate", s.accept_rate}, {"sampler_step", s.sampler_step}, {"mmd2", s.mmd2},
          {"mode_share_min", s.mode_share_min}, {"mode_share_max", s.mode_share_max}, {"buffer_kl", s.buffer_kl},
          {"probe_kl", s.probe_kl}, {"probe_kl_floor", s.probe_kl_floor}};
}

}  // namespace

std::string stats_to_json_line(const StepStats& s) {
  nlohmann::ordered_json j;
  j["step"] = s.step;
  for (const auto& [k, v] : fields(s)) {
    if (std::isfinite(v)) j[k] = v;
    else j[k] = nullptr;
  }
  return j.dump();
}

std::string stats_csv_header() {
  std::string h = "step";
  for (const auto& f : fields(StepStats{})) h += std::string(",") + f.first;
  return h;
}

std::string stats_to_csv_row(const StepStats& s) {
  std::ostringstream o;
  o.precision(8);
  o << s.step;
  for (const auto& f : fields(s)) {
    o << ',';
    if (std::isfinite(f.second)) o << f.second;
  }
  return o.str();
}

}  // namespace jem
