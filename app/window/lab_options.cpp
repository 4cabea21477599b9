#include "app/window/lab_options.h"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>

#include "app/cli/args.h"
#include "app/window/resource_paths.h"
#include "core/data/dataset_names.h"

namespace jem::window {
namespace {

const std::vector<cli::OptionSpec>& lab_options() {
  static const std::vector<cli::OptionSpec> o = {
      {"preset", "Start from assets/presets/NAME.json (knob flags apply on top)", ""},
      cli::int_option("frames", "Run this many frames, then exit (headless capture; 0: until closed)", "0", 0, cli::kIntMax),
      {"screenshot", "With --frames: write the last frame to this PNG (plus FILE.png.json for tests)", ""},
      cli::real_option("fps", "Frame-rate cap (Xvfb and llvmpipe have no vsync; the trainer needs the cores)", "60", 1, 1000),
      {"chain-gif", "With --frames: launch a 1000-step SGLD chain near the bottom of the data box and write it as a GIF at the end", ""},
      {"tab", "Analysis tab shown first: curves, calibration, ood, control, stability, sweep or ab", "curves"},
      {"field", "What the landscape shows first: neg_energy, energy, density, chains_density, class_prob or class_logit", "neg_energy"},
      {"drift", "Open with the drift field drawn over the landscape", "", false},
      {"ood-split", "The OOD tab opens with the test set split into correct and misclassified (exercise 2)", "", false},
      {"session", "Reopen a saved session: every knob, the data, the view, the landscape's options, the tab and the lesson", ""},
      {"save-session", "Headless capture: write the session to this file after the last frame", ""},
      {"presenter", "Open in presenter mode (P toggles it): larger fonts, the knobs folded away", "", false},
      {"ab", "Start an A/B comparison at once: run B differs from A by these knobs, e.g. \"sgld_lr=3,n_steps=5\"", ""},
      {"size", "Window size WIDTHxHEIGHT in screen units", "1600x1000"},
      cli::real_option("ui-scale", "Scale of fonts, widgets and window size (0: the monitor's content scale; X11: Xft.dpi / 96)", "0", 0, 8),
      {"export-dir", "Folder for F12 screenshots and the export buttons (numbered files, never overwritten)", "exports"},
      {"report", "Keep this JSON file up to date with the window's state (step, view, chains, exports, button rectangles) for input tests", ""},
      {"shaders", "Folder of the GLSL shaders (default: $JEMLAB_SHADERS, else next to the executable)", ""},
      {"assets", "Folder of presets/ (default: $JEMLAB_ASSETS, else next to the executable)", ""},
      {"autosave", "Autosave the session to this file (default: $XDG_STATE_HOME/jemlab/autosave.ckpt, else ~/.local/state/jemlab/; none with --frames)", ""},
      cli::real_option("autosave-every", "Seconds between autosaves while the run changes (0: off); once more at exit", "300", 0, 1e7),
      {"restore-autosave", "ask, yes or no: offer the autosaved session at start (default: ask; no with --frames)", ""},
      cli::int_option("screenshot-every", "With --screenshot: rewrite that PNG every N frames (a live view; each write is atomic)", "0", 0, cli::kIntMax),
      {"metrics-csv", "Keep this CSV of the curves up to date (every --screenshot-every frames, else at exit)", ""},
      {"sweep", "Start a sweep at once, from the start settings: \"KNOB=v1,v2,... [seeds=N] [iters=N]\" (with --frames: the capture waits until it finishes)", ""},
      {"replay-latest", "With the stability tab shown: replay each newest flight-recorded iteration (tests)", "", false},
      {"full-redraw", "Draw every frame whole (the lab redraws only what changed since the last frame)", "", false},
      {"swap-frames", "Copy every frame whole to the window and swap, also on Mesa's software rasteriser, where the lab otherwise copies only the changed rectangles (about 7 ms more CPU a frame at 1600x1000)", "", false},
      cli::int_option("layout-delay", "Wait this many milliseconds between a frame's layout and its rendering (tests: a resize then lands inside a frame, as on a loaded machine)", "0", 0, 1000),
      {"check-damage", "Also draw every frame whole and compare, pixel for pixel, and read it back from the X server; exit 1 if a pixel differs by more than one level (tests; slow)", "", false},
  };
  return o;
}

std::string option_or_empty(const cli::Args& a, const std::string& name) { return a.has(name) ? a.get(name) : ""; }

// The start knobs: a preset's (flags on top), and which preset that is.
void pick_start(const cli::Args& a, const std::vector<std::string>& args, LabOptions& o) {
  o.start = a.settings;
  if (!option_or_empty(a, "preset").empty()) {
    const Preset* p = find_preset(o.presets, option_or_empty(a, "preset"));
    if (!p) throw std::runtime_error("unknown preset '" + option_or_empty(a, "preset") + "' (see " + o.assets_dir + "/presets)");
    o.start = cli::parse_args(args, lab_options(), p->settings).settings;  // knob flags apply on top of it
    o.preset_name = p->name;
  } else if (o.start == window_base_settings() && find_preset(o.presets, "jem_default")) {
    o.preset_name = "jem_default";
  }
}

// --session: its knobs (the points it carries written to a file of their own), tab, view,
// landscape options and lesson: a preset's own (its run B and sweep too) when it names one
// unchanged, else its text, which the presets panel shows as the preset "session".
void pick_session(const std::string& path, LabOptions& o) {
  Session s = load_session(path);
  materialise_points(s, o.export_dir + "/session-points");
  o.start = s.settings;
  o.from_session = true;
  o.first_tab = s.tab;
  o.session_view = s.view;
  o.landscape = s.landscape;
  const Preset* known = find_preset(o.presets, s.preset);
  if (known && (s.title.empty() || (s.title == known->title && s.description == known->description))) {
    o.preset_name = known->name;
    return;
  }
  Preset lesson;
  lesson.name = "session";
  lesson.title = s.title.empty() ? "Session " + std::filesystem::path(path).filename().string() : s.title;
  lesson.description = s.description, lesson.look = s.look, lesson.try_this = s.try_this;
  lesson.settings = s.settings;
  o.presets.push_back(lesson);
  o.preset_name = "session";
}

// --ab, or a lesson preset's own run B (on the A/B tab unless --tab names another): every
// difference is checked before the window opens.
void pick_ab(const cli::Args& a, LabOptions& o) {
  std::string text = option_or_empty(a, "ab");
  if (const Preset* p = find_preset(o.presets, o.preset_name); text.empty() && p && !p->ab.empty()) {
    text = p->ab;
    if (o.first_tab == "curves") o.first_tab = p->tab;
  }
  if (text.empty()) return;
  try {
    o.ab_diffs = parse_knob_diffs(text);
    if (!is_points_dataset(o.start.dataset))
      throw std::runtime_error("A/B compares 2D energy landscapes and A trains on '" + o.start.dataset + "'");
    settings_for_b(o.start, o.ab_diffs);
  } catch (const std::exception& e) {
    throw std::runtime_error(std::string("--ab: ") + e.what());
  }
}

}  // namespace


std::optional<LabOptions> parse_lab_options(const std::vector<std::string>& args) {
  cli::Args a = cli::parse_args(args, lab_options(), window_base_settings());
  if (a.help) {
    std::printf("%s", cli::usage("", "Opens the lab: live training of a JEM with its energy landscape, SGLD chains "
                                     "and curves.\nShortcuts: space play/pause, S step, R reset, F12 screenshot, Ctrl+Q quit.",
                                 lab_options())
                          .c_str());
    return std::nullopt;
  }
  LabOptions o;
  o.shader_dir = find_resource_dir("shaders", option_or_empty(a, "shaders"), "JEMLAB_SHADERS");
  o.assets_dir = find_resource_dir("assets", option_or_empty(a, "assets"), "JEMLAB_ASSETS");
  o.frames = a.get_int("frames");
  o.show_drift = a.has("drift");
  o.presenter = a.has("presenter");
  o.ood_split = a.has("ood-split");
  if (!field_mode_from_key(a.get("field"), o.first_field))
    throw std::runtime_error("--field: '" + a.get("field") +
                             "' is not one of neg_energy, energy, density, chains_density, class_prob, class_logit");
  o.first_tab = a.get("tab");
  if (!is_analysis_tab(o.first_tab))
    throw std::runtime_error("--tab: '" + o.first_tab + "' is not one of curves, calibration, ood, control, stability, sweep, ab, robustness");
  o.chain_gif = option_or_empty(a, "chain-gif");
  o.screenshot = option_or_empty(a, "screenshot");
  if (a.has("sweep")) o.sweep = parse_sweep_option(a.get("sweep"));
  o.frame_s = 1.0 / std::max(1.0, a.get_double("fps"));
  std::sscanf(a.get("size").c_str(), "%dx%d", &o.win_w, &o.win_h);
  o.ui_scale = float(a.get_double("ui-scale"));
  o.report = option_or_empty(a, "report");
  o.screenshot_every = std::max(0, a.get_int("screenshot-every"));
  o.metrics_csv = option_or_empty(a, "metrics-csv");
  o.full_redraw = a.has("full-redraw");
  o.check_damage = a.has("check-damage");
  o.swap_frames = a.has("swap-frames");
  o.layout_delay_ms = a.get_int("layout-delay");
  // Headless capture writes no autosave unless --autosave names a file (tests, docs).
  o.autosave = option_or_empty(a, "autosave");
  if (o.autosave.empty() && o.frames == 0) o.autosave = default_autosave_path(std::getenv("XDG_STATE_HOME"), std::getenv("HOME"));
  o.autosave_every_s = a.get_double("autosave-every");
  o.restore = a.has("restore-autosave") ? parse_restore_choice(a.get("restore-autosave"))
              : o.frames > 0            ? RestoreChoice::No
                                        : RestoreChoice::Ask;
  o.export_dir = a.get("export-dir");
  o.replay_latest = a.has("replay-latest");
  o.presets = load_presets(o.assets_dir + "/presets", window_base_settings());
  pick_start(a, args, o);
  o.save_session = option_or_empty(a, "save-session");
  if (a.has("session")) pick_session(a.get("session"), o);
  // --sweep is checked before the window opens: a typo exits 2 with the reason, naming the knob.
  if (o.sweep) {
    SweepPlan plan;
    std::string why;
    if (!make_sweep_plan(*o.sweep, o.start, plan, why)) throw std::runtime_error("--sweep: " + why);
  }
  pick_ab(a, o);
  // A preset's own sweep, unless --sweep gave one (on the Sweep tab unless --tab names another).
  if (const Preset* p = find_preset(o.presets, o.preset_name); !o.sweep && p && !p->sweep.empty()) {
    o.sweep = parse_sweep_option(p->sweep);
    if (o.first_tab == "curves") o.first_tab = p->tab;
  }
  return o;
}

}  // namespace jem::window
