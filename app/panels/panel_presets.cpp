#include "app/panels/panel_presets.h"
#include "app/widgets/widgets.h"

#include <imgui.h>

namespace jem::window {

bool apply_preset(LabContext& ctx, const std::string& name) {
  const Preset* p = find_preset(ctx.presets, name);
  if (!p) return false;
  ctx.send(cmd::SetSettings{p->settings});
  ctx.send(cmd::Reset{});  // every preset starts from step 0, so runs are comparable
  ctx.send(cmd::Resume{});
  ctx.preset_name = name;
  if (!p->ab.empty()) ctx.ab_request = p->ab;  // a side-by-side lesson
  if (!p->tab.empty()) ctx.tab_request = p->tab;
  if (!p->sweep.empty()) ctx.sweep_request = p->sweep;
  return true;
}

float PresetsPanel::wanted_height(const LabContext& ctx, float width) {
  const ImGuiStyle& st = ImGui::GetStyle();
  float h = ImGui::GetFrameHeight() + 2 * st.WindowPadding.y + ImGui::GetFrameHeightWithSpacing();  // title, combo
  const Preset* current = find_preset(ctx.presets, ctx.preset_name);
  if (current) {
    h += ImGui::GetTextLineHeightWithSpacing();  // room for the "knobs changed" line
    const float w = width - 2 * st.WindowPadding.x;
    h += ImGui::CalcTextSize(current->description.c_str(), nullptr, false, w).y;
    for (const std::string* extra : {&current->look, &current->try_this})
      if (!extra->empty())
        h += ImGui::GetTextLineHeightWithSpacing() + ImGui::CalcTextSize(extra->c_str(), nullptr, false, w).y + st.ItemSpacing.y;
  }
  return h;
}

void PresetsPanel::draw(LabContext& ctx, const PanelRect& rect) {
  begin_panel("Presets", "presets", rect, ctx);
  const Preset* current = find_preset(ctx.presets, ctx.preset_name);
  ImGui::SetNextItemWidth(-1);
  if (ImGui::BeginCombo("##preset", current ? current->title.c_str() : "(custom knobs)")) {
    for (const Preset& p : ctx.presets)
      if (ImGui::Selectable(p.title.c_str(), current == &p)) apply_preset(ctx, p.name);
    ImGui::EndCombo();
  }
  if (ctx.presets.empty()) ImGui::TextDisabled("no presets found (assets/presets/*.json)");
  if (current) {
    // A knob changed since the preset was applied: say so, the description may no longer hold.
    if (ctx.snap->settings != current->settings) ImGui::TextDisabled("knobs changed since this preset was applied");
    ImGui::PushTextWrapPos(0);
    ImGui::TextUnformatted(current->description.c_str());
    // Lessons: what to watch, then what to change, each under its own heading.
    const ImVec4 heading(0.95f, 0.75f, 0.30f, 1.0f);
    if (!current->look.empty()) {
      ImGui::TextColored(heading, "Look at");
      ImGui::TextUnformatted(current->look.c_str());
    }
    if (!current->try_this.empty()) {
      ImGui::TextColored(heading, "Try");
      ImGui::TextUnformatted(current->try_this.c_str());
    }
    ImGui::PopTextWrapPos();
  }
  ImGui::End();
}

}  // namespace jem::window
