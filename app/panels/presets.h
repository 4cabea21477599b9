// Presets: assets/presets/*.json, each a JSON object of knob values plus "_title" and
// "_description" (keys starting with '_' are ignored by settings_from_json).
#pragma once
#include <string>
#include <vector>

#include "core/params/settings.h"

namespace jem::window {

struct Preset {
  std::string name;  // file name without .json
  std::string title, description;
  std::string look, try_this;  // guided lessons: "_look" (what to watch) and "_try" (what to change)
  std::string ab;              // "_ab": run B's knob differences ("k=v,k=v"), started beside A with the preset
  std::string tab;             // "_tab": the analysis tab the lesson opens on ("" = as it is; "ab" with _ab)
  std::string sweep;           // "_sweep": a sweep the preset starts ("KNOB=v1,v2,... [seeds=N] [iters=N]")
  Settings settings;
};

// The analysis tabs by the names --tab and a preset's "_tab" use.
bool is_analysis_tab(const std::string& name);

// The knobs the window starts from: the schema defaults plus recorded chains for the animation.
Settings window_base_settings();

// One preset from its file's text; a broken one throws Error naming `origin`.
Preset parse_preset(const std::string& text, const std::string& name, const Settings& base,
                    const std::string& origin);
// Every preset in `dir`, jem_default first, then by name. A broken file throws Error naming it.
std::vector<Preset> load_presets(const std::string& dir, const Settings& base);
const Preset* find_preset(const std::vector<Preset>& presets, const std::string& name);

}  // namespace jem::window
