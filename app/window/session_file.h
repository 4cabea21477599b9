// A session file: everything a teacher hands out so that students see what the teacher saw:
// every knob, the data (drawn or CSV points included, so one file is enough), the view box, the
// landscape's options, the analysis tab and the lesson text. JSON, versioned, and validated
// through the schema: an unknown or out-of-range entry is refused by name. Torch- and GL-free.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "core/data/box.h"
#include "core/params/settings.h"

namespace jem::window {

constexpr int kSessionVersion = 1;

struct LandscapeOptions {
  std::string field = "neg_energy";  // field_mode keys (--field)
  bool log = false;
  std::string colormap = "viridis";
  int contours = 10;
  bool boundary = true, tint = true, data = true, buffer = true, drift = false;
};

struct Session {
  Settings settings;
  // dataset csv: its points, embedded; opening the session writes them to a file of its own.
  std::vector<float> points_xy;
  std::vector<int> points_label;
  std::optional<Box> view;
  LandscapeOptions landscape;
  std::string tab = "curves";
  std::string preset;  // the preset it started from, if any
  std::string title, description, look, try_this;  // the lesson text shown in the presets panel
};

std::string session_json(const Session& s);
// Throws Error naming `origin` and the bad entry.
Session parse_session(const std::string& text, const std::string& origin);
Session load_session(const std::string& path);
// The points a csv session carries go to `dir`/session-points-<hash>.csv; data_file is set to it.
void materialise_points(Session& s, const std::string& dir);

// `jemlab train` with every knob that differs from the defaults, for the clipboard.
std::string train_command_line(const Settings& s);

}  // namespace jem::window
