// The landscape's draw mode: a brush per class (size and density), erase, undo, clear; "Train on
// these points" restarts the run on them (a fifth held out for testing, as for any csv data) and
// "Save points" writes them as a csv file. While drawing, a drag paints instead of panning.
#pragma once
#include <imgui.h>

#include "app/panels/draw_logic.h"
#include "app/window/lab_context.h"
#include "app/window/view_transform.h"

namespace jem::window {

class DrawTool {
 public:
  bool active = false;
  void toolbar(LabContext& ctx);
  // The canvas item's mouse while drawing (call right after the canvas item).
  void handle_mouse(LabContext& ctx, const ViewTransform& t);
  void draw(ImDrawList* dl, const ViewTransform& t, float ui_scale) const;

 private:
  void train_on_points(LabContext& ctx);
  DrawnPoints points_;
  std::string error_;
  bool hovered_ = false;  // the pointer is over the canvas (its brush is drawn)
};

}  // namespace jem::window
