#include "app/window/ui_scale.h"

#include <GLFW/glfw3.h>
#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <filesystem>

namespace jem::window {

// Style and font for a UI scale; called again when the scale changes (a monitor of another
// content scale, or Ctrl+= / Ctrl+- / Ctrl+0), so sizes are set from scratch, never rescaled.
void setup_imgui_style(float scale) {
  ImGui::GetStyle() = ImGuiStyle();
  ImGui::StyleColorsDark();
  ImGuiStyle& st = ImGui::GetStyle();
  st.WindowRounding = 0, st.FrameRounding = 3, st.GrabRounding = 3;
  st.WindowBorderSize = 1, st.FramePadding = ImVec2(6, 3), st.ItemSpacing = ImVec2(7, 5);
  st.Colors[ImGuiCol_WindowBg] = ImVec4(0.09f, 0.09f, 0.11f, 1);
  st.Colors[ImGuiCol_TitleBgActive] = st.Colors[ImGuiCol_TitleBg] = ImVec4(0.14f, 0.16f, 0.22f, 1);
  st.ScaleAllSizes(scale);
  ImGuiIO& io = ImGui::GetIO();
  io.IniFilename = nullptr;  // the layout is computed from the window size every frame
  io.Fonts->Clear();
  const char* font = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
  if (std::filesystem::exists(font)) {
    io.Fonts->AddFontFromFileTTF(font, std::round(14.0f * scale));
  } else {
    ImFontConfig cfg;
    cfg.SizePixels = std::round(13.0f * scale);
    io.Fonts->AddFontDefault(&cfg);
  }
}

// The monitor's content scale, from GLFW's callback when the window moves to another monitor.
namespace {
float g_content_scale = 1;
bool g_content_scale_changed = false;
}  // namespace

float set_content_scale(float xscale) { return g_content_scale = std::max(1.0f, xscale); }

void content_scale_callback(GLFWwindow*, float xscale, float) {
  set_content_scale(xscale);
  g_content_scale_changed = true;
}

// The UI scale this frame should have: Ctrl+= / Ctrl+- zoom by 1.25 (a projector, tired eyes),
// Ctrl+0 returns to the monitor's scale, which a monitor change also brings back (unless
// --ui-scale fixed it). Returns 0 when nothing changes.
float wanted_ui_scale(float current, bool fixed_by_flag, const std::vector<std::pair<int, int>>& key_presses) {
  float next = current;
  if (g_content_scale_changed && !fixed_by_flag) next = g_content_scale;
  g_content_scale_changed = false;
  for (const auto& [key, mods] : key_presses) {
    if (!(mods & GLFW_MOD_CONTROL)) continue;
    if (key == GLFW_KEY_EQUAL || key == GLFW_KEY_KP_ADD) next *= 1.25f;
    if (key == GLFW_KEY_MINUS || key == GLFW_KEY_KP_SUBTRACT) next /= 1.25f;
    if (key == GLFW_KEY_0 || key == GLFW_KEY_KP_0) next = g_content_scale;
  }
  next = std::clamp(next, 0.5f, 4.0f);
  return std::fabs(next - current) > 1e-3f ? next : 0;
}

}  // namespace jem::window
