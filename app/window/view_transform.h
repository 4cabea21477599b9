// Data space <-> screen pixels for the landscape canvas (y up in data, down on screen).
#pragma once
#include <imgui.h>

#include "core/data/box.h"

namespace jem::window {

struct ViewTransform {
  Box view;
  ImVec2 p0, size;  // canvas top-left and size in screen pixels

  ImVec2 to_screen(float x, float y) const {
    return ImVec2(p0.x + (x - view.x0) / view.width() * size.x, p0.y + (view.y1 - y) / view.height() * size.y);
  }
  void to_data(ImVec2 s, float& x, float& y) const {
    x = view.x0 + (s.x - p0.x) / size.x * view.width();
    y = view.y1 - (s.y - p0.y) / size.y * view.height();
  }
};

}  // namespace jem::window
