// The preset picker: the classroom path. Picking one sends all its knobs at once and shows its
// paragraph about what to look at.
#pragma once
#include "app/window/lab_context.h"

namespace jem::window {

// Sends the preset's settings and restarts the run on them; false if no preset has that name.
bool apply_preset(LabContext& ctx, const std::string& name);

class PresetsPanel {
 public:
  void draw(LabContext& ctx, const PanelRect& rect);
  // Height that shows the current preset's paragraph without scrolling at this panel width.
  static float wanted_height(const LabContext& ctx, float width);
};

}  // namespace jem::window
