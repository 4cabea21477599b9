// The window's command line, parsed and checked before a window opens: a typo exits 2 naming the
// option or knob, with the window never shown. Torch- and GL-free.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "app/panels/ab_logic.h"
#include "app/window/autosave_logic.h"
#include "app/panels/field_scalar.h"
#include "app/panels/presets.h"
#include "app/panels/sweep_logic.h"
#include "app/window/session_file.h"
#include "core/params/settings.h"

namespace jem::window {

struct LabOptions {
  std::string shader_dir, assets_dir;
  Settings start;                      // the knobs, a preset's with the flags on top
  std::vector<Preset> presets;
  std::string preset_name;             // the preset shown as applied ("" = custom knobs)
  std::vector<KnobDiff> ab_diffs;      // --ab, or a lesson preset's run B
  std::optional<SweepRequest> sweep;   // --sweep
  FieldMode first_field = FieldMode::NegEnergy;
  bool show_drift = false;  // --drift
  bool presenter = false;   // --presenter
  bool ood_split = false;   // --ood-split
  std::optional<Box> session_view;  // --session's view box
  LandscapeOptions landscape;       // --session's landscape options (else --field and --drift apply)
  bool from_session = false;
  std::string save_session;         // --save-session
  std::string first_tab = "curves";
  int win_w = 1600, win_h = 1000;
  float ui_scale = 0;                  // 0: the monitor's
  double frame_s = 1.0 / 60;           // the frame-rate cap
  std::string export_dir = "exports";
  std::string autosave;                // "" = none
  double autosave_every_s = 300;
  RestoreChoice restore = RestoreChoice::Ask;
  bool replay_latest = false;
  // Headless capture and test hooks.
  int frames = 0;                      // run this many, then exit (0: until closed)
  std::string screenshot, chain_gif, report, metrics_csv;
  int screenshot_every = 0;
  bool full_redraw = false;   // --full-redraw: every frame drawn whole (comparisons)
  bool check_damage = false;  // --check-damage: each frame also drawn whole and compared
  bool swap_frames = false;   // --swap-frames: whole frames swapped, also where rectangles could be copied
  int layout_delay_ms = 0;    // --layout-delay: a wait between layout and rendering
};

// nullopt after printing --help; throws std::runtime_error (or Error) naming what is wrong.
std::optional<LabOptions> parse_lab_options(const std::vector<std::string>& args);

}  // namespace jem::window
