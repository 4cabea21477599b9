// The controls panel: status line, transport, divergence advice, checkpoints, and every schema
// knob as a widget generated from its ParamSpec (grouped, help as tooltip).
#pragma once
#include <string>

#include "app/panels/controls_logic.h"
#include "app/window/lab_context.h"

namespace jem::window {

class KnobsPanel {
 public:
  void draw(LabContext& ctx, const PanelRect& rect);

 private:
  void draw_status(LabContext& ctx);
  void draw_guard(LabContext& ctx);
  void draw_checkpoint(LabContext& ctx);

  PendingEdits pending_;
  char checkpoint_path_[512] = "runs/lab.ckpt";
  std::string export_panel_ = "landscape_canvas";
};

}  // namespace jem::window
