// Every panel is a fixed ImGui window at a rectangle the frame loop computes.
#pragma once
#include <imgui.h>

#include <exception>

#include "app/window/export_logic.h"
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

// A fresh file in the export folder, or "" with the reason in the status line.
inline std::string export_path(LabContext& ctx, const char* what, const char* ext) {
  try {
    return new_export_path(ctx.export_dir, what, ext);
  } catch (const std::exception& e) {
    ctx.export_status = e.what();
    return "";
  }
}

// The last item's rectangle, for the --report (an input test clicks it with real X events).
inline void note_widget(LabContext& ctx, const char* key) {
  const ImVec2 a = ImGui::GetItemRectMin(), b = ImGui::GetItemRectMax();
  ctx.widget_rects[key] = PanelRect{a.x, a.y, b.x - a.x, b.y - a.y};
}

}  // namespace jem::window
