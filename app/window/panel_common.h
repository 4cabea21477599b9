// Every panel is a fixed ImGui window at a rectangle the frame loop computes.
#pragma once
#include <imgui.h>

#include "app/window/lab_context.h"

namespace jem::window {

// Panels draw no background of their own: the frame loop clears the screen to the window colour,
// which on llvmpipe is a memset instead of a full-screen blended quad per panel every frame.
inline void begin_panel(const char* title, const char* key, const PanelRect& rect, LabContext& ctx,
                        ImGuiWindowFlags extra = 0) {
  ImGui::SetNextWindowPos(ImVec2(rect.x, rect.y));
  ImGui::SetNextWindowSize(ImVec2(rect.w, rect.h));
  ImGui::Begin(title, nullptr,
               ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoCollapse |
                   ImGuiWindowFlags_NoBackground | ImGuiWindowFlags_NoBringToFrontOnFocus | extra);
  ctx.panel_rects[key] = rect;
}

}  // namespace jem::window
