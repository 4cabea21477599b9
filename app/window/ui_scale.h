// The UI scale (HiDPI): ImGui's style and font built for a scale, the monitor's content scale
// from GLFW, and the zoom shortcuts. A change is applied between frames by the frame loop.
#pragma once
#include <utility>
#include <vector>

struct GLFWwindow;

namespace jem::window {

// Style and font for `scale`, from scratch (sizes are never rescaled twice).
void setup_imgui_style(float scale);
// Records the monitor's content scale (at least 1) and returns it.
float set_content_scale(float xscale);
// GLFW's content-scale callback: the window moved to a monitor of another scale.
void content_scale_callback(GLFWwindow*, float xscale, float yscale);
// The scale the next frame should have, or 0 for no change: Ctrl+= / Ctrl+- zoom by 1.25,
// Ctrl+0 and a monitor change return to the monitor's scale (unless --ui-scale fixed it).
float wanted_ui_scale(float current, bool fixed_by_flag, const std::vector<std::pair<int, int>>& key_presses);

}  // namespace jem::window
