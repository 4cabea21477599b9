#include "app/panels/presets.h"

#include "app/panels/ab_logic.h"
#include "app/panels/sweep_logic.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>

#include "core/params/config_file.h"
#include "core/util/error.h"

namespace jem::window {

Settings window_base_settings() {
  Settings s;
  s.record_chains = 16;  // the trajectory view animates these
  s.flight_recorder = 2;  // the stability tab reads the newest chains' every step
  s.threads = 0;  // automatic: every core for the MLP, one left to drawing for image models (run_threads.h)
  return s;
}

Preset parse_preset(const std::string& text, const std::string& name, const Settings& base,
                    const std::string& origin) {
  Preset p;
  p.name = name;
  p.settings = settings_from_json(text, base, origin);  // valid JSON object from here on
  const auto j = nlohmann::json::parse(text);
  // json::value() throws its own type_error on a non-string: say which key instead.
  auto text_of = [&](const char* key, const std::string& fallback) {
    const auto it = j.find(key);
    if (it == j.end()) return fallback;
    if (!it->is_string()) throw Error(origin + ": " + key + ": expected a string");
    return it->get<std::string>();
  };
  p.title = text_of("_title", name);
  p.description = text_of("_description", "");
  p.look = text_of("_look", "");
  p.try_this = text_of("_try", "");
  p.ab = text_of("_ab", "");
  p.sweep = text_of("_sweep", "");
  if (!p.sweep.empty()) {
    try {
      parse_sweep_option(p.sweep);
    } catch (const std::exception& e) {
      throw Error(origin + ": _sweep: " + e.what());
    }
  }
  p.tab = text_of("_tab", !p.ab.empty() ? "ab" : !p.sweep.empty() ? "sweep" : "");
  if (!p.tab.empty() && !is_analysis_tab(p.tab)) throw Error(origin + ": _tab: '" + p.tab + "' is not an analysis tab");
  if (!p.ab.empty()) {
    try {
      parse_knob_diffs(p.ab);
    } catch (const std::exception& e) {
      throw Error(origin + ": _ab: " + e.what());
    }
  }
  return p;
}

bool is_analysis_tab(const std::string& name) {
  for (const char* t : {"curves", "calibration", "ood", "control", "stability", "sweep", "ab", "robustness"})
    if (name == t) return true;
  return false;
}

std::vector<Preset> load_presets(const std::string& dir, const Settings& base) {
  std::vector<Preset> out;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (entry.path().extension() != ".json") continue;
    const std::string path = entry.path().string();
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    out.push_back(parse_preset(ss.str(), entry.path().stem().string(), base, path));
  }
  std::sort(out.begin(), out.end(), [](const Preset& a, const Preset& b) {
    if ((a.name == "jem_default") != (b.name == "jem_default")) return a.name == "jem_default";
    return a.name < b.name;
  });
  return out;
}

const Preset* find_preset(const std::vector<Preset>& presets, const std::string& name) {
  for (const Preset& p : presets)
    if (p.name == name) return &p;
  return nullptr;
}

}  // namespace jem::window
