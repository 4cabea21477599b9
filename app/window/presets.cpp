#include "app/window/presets.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "core/params/config_file.h"

namespace jem::window {

Settings window_base_settings() {
  Settings s;
  s.record_chains = 16;  // the trajectory view animates these
  // Leave a core to the window: when a frame preempts one of the trainer's OpenMP threads, the
  // whole parallel SGLD step waits at its barrier (on 2 cores that costs more than the core).
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  s.threads = cores > 1 ? static_cast<int>(cores - 1) : 1;
  return s;
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
    Preset p;
    p.name = entry.path().stem().string();
    p.settings = settings_from_json(ss.str(), base, path);
    const auto j = nlohmann::json::parse(ss.str());
    p.title = j.value("_title", p.name);
    p.description = j.value("_description", "");
    out.push_back(std::move(p));
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
