// The widgets every panel shares (in the spirit of Tracy's TracyImGui.hpp): the panel window, the
// colour bar and its gradient, the help tooltip, the wrapping toolbar row and the error line.
#pragma once
#include <imgui.h>

#include <exception>
#include <functional>
#include <string>

#include "app/plot/colormap.h"
#include "app/panels/controls_logic.h"
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

// An analysis tab's drawing region from the cursor on, recorded under `key` for the window tests'
// pixel checks. Returns its size.
inline ImVec2 record_tab_region(LabContext& ctx, const char* key) {
  const ImVec2 top_left = ImGui::GetCursorScreenPos(), region = ImGui::GetContentRegionAvail();
  ctx.panel_rects[key] = PanelRect{top_left.x, top_left.y, region.x, region.y};
  return region;
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

// A colormap's gradient over a rectangle: vertical (high at the top) or horizontal (high right).
void gradient_strip(ImDrawList* dl, ImVec2 p0, ImVec2 size, plot::Colormap cmap, bool vertical);
// The gradient with numbers (and, horizontal, a title above). Returns the right edge of what it
// drew (the numbers of a vertical bar).
float colour_bar(ImDrawList* dl, ImVec2 p0, ImVec2 size, plot::Colormap cmap, float lo, float hi, bool vertical,
                 const char* title);
void help_marker(const char* text);  // the previous item's tooltip
// SameLine when the next item (`w` wide) still fits on the row, else a new row: a toolbar wraps
// in a narrow window (1280x800) instead of clipping its last checkboxes.
void same_line_if_fits(float w);
void error_line(const std::string& text);  // a refused input, in red, wrapped
// A combo of the schema's knobs that `allowed` admits, under their groups' titles, each with its
// help and range as tooltip. `index` is into schema(); returns true when the pick changed.
bool knob_picker(const char* id, int& index, const std::function<bool(const ParamSpec&)>& allowed);

// A schema knob as its widget (checkbox, combo, slider, field), its help and range as tooltip.
// Live knobs apply while the slider moves, the others on release; `pending` remembers the value
// sent until a snapshot shows it (so the slider does not jump back).
void knob_widget(LabContext& ctx, const ParamSpec& p, PendingEdits& pending);
void knob_tooltip(const ParamSpec& p);  // the previous item's

}  // namespace jem::window
