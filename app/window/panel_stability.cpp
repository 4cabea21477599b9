#include "app/window/panel_stability.h"

#include "app/window/flight_overlay.h"

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace jem::window {
namespace {

ImVec4 level_colour(Level l) {
  switch (l) {
    case Level::Ok: return ImVec4(0.35f, 0.80f, 0.45f, 1);
    case Level::Warn: return ImVec4(0.95f, 0.75f, 0.25f, 1);
    case Level::Alarm: return ImVec4(1.00f, 0.35f, 0.30f, 1);
    case Level::Unknown: break;
  }
  return ImVec4(0.55f, 0.55f, 0.60f, 1);
}

}  // namespace

void StabilityPanel::draw(LabContext& ctx) {
  const ImVec2 top_left = ImGui::GetCursorScreenPos(), region = ImGui::GetContentRegionAvail();
  ctx.panel_rects["stability"] = PanelRect{top_left.x, top_left.y, region.x, region.y};
  const Snapshot& s = *ctx.snap;
  if (!s.stability) {
    ImGui::TextDisabled("waiting for the first indicators (about a second of training)");
    return;
  }
  const StabilityView& v = *s.stability;
  int alarms = 0, warnings = 0;
  for (const Indicator& ind : v.indicators) alarms += ind.level == Level::Alarm, warnings += ind.level == Level::Warn;
  const ImVec4 headline = alarms ? level_colour(Level::Alarm) : warnings ? level_colour(Level::Warn) : level_colour(Level::Ok);
  ImGui::TextColored(headline, "%s", alarms ? "Sampler in trouble: see the red lines"
                                     : warnings ? "Sampler under strain: see the amber lines"
                                                : "Sampler healthy");
  ImGui::SameLine();
  ImGui::TextDisabled("(step %lld)", static_cast<long long>(v.step));
  ImGui::Spacing();
  const float em = ImGui::GetFontSize();
  for (const Indicator& ind : v.indicators) {
    ImGui::PushID(ind.name.c_str());
    const ImVec2 p = ImGui::GetCursorScreenPos();
    const ImVec4 c = level_colour(ind.level);
    ImGui::GetWindowDrawList()->AddCircleFilled(ImVec2(p.x + 0.45f * em, p.y + 0.6f * em), 0.4f * em,
                                                ImGui::ColorConvertFloat4ToU32(c));
    ImGui::Dummy(ImVec2(1.1f * em, em));
    ImGui::SameLine();
    char value[48];
    if (std::isfinite(ind.value)) std::snprintf(value, sizeof value, "%.3g", ind.value);
    else std::snprintf(value, sizeof value, "-");
    ImGui::Text("%s", ind.name.c_str());
    ImGui::SameLine(region.x * 0.62f);
    ImGui::TextColored(c, "%s  %s", value, level_name(ind.level));
    if (ImGui::IsItemHovered())
      ImGui::SetTooltip("warning at %.3g, alarm at %.3g", ind.warn, ind.alarm);
    ImGui::Indent(1.1f * em + ImGui::GetStyle().ItemSpacing.x);
    ImGui::PushTextWrapPos(0);
    ImGui::TextDisabled("%s", ind.explanation.c_str());
    ImGui::PopTextWrapPos();
    ImGui::Unindent(1.1f * em + ImGui::GetStyle().ItemSpacing.x);
    ImGui::Spacing();
    ImGui::PopID();
  }
  ImGui::Separator();
  ImGui::PushTextWrapPos(0);
  if (v.recorded.empty()) {
    ImGui::TextDisabled("Flight recorder off (flight_recorder = 0 in the sampler group).");
  } else {
    ImGui::TextDisabled("Flight recorder: every step of every chain of iterations %lld-%lld is kept%s.",
                        static_cast<long long>(v.recorded.front()), static_cast<long long>(v.recorded.back()),
                        s.guard ? ", the diverged one included" : "");
  }
  if (s.guard) ImGui::TextColored(level_colour(Level::Alarm), "%s", s.guard->message().c_str());
  ImGui::PopTextWrapPos();
  if (s.flight && !s.flight->energy.empty()) {
    if (s.guard) ImGui::TextDisabled("Red on the landscape: the %d chains with the largest steps, numbered.", kHighlightedChains);
    draw_flight_traces(*s.flight, std::max(ImGui::GetFontSize() * 5, ImGui::GetContentRegionAvail().y * 0.22f));
  }
  draw_timeline(ctx);
}

// Rewind and branch: pick a kept state, go back to it (paused), change knobs, press Play.
void StabilityPanel::draw_timeline(LabContext& ctx) {
  const std::vector<int64_t>& steps = ctx.snap->timeline;
  ImGui::Separator();
  if (steps.empty()) {
    ImGui::TextDisabled("Timeline: no state kept yet (one every 50 iterations).");
    return;
  }
  const int last = static_cast<int>(steps.size()) - 1;
  int i = pick_ < 0 || pick_ > last ? last : pick_;
  char label[64];
  std::snprintf(label, sizeof label, "step %lld", static_cast<long long>(steps[size_t(i)]));
  ImGui::SetNextItemWidth(ImGui::GetContentRegionAvail().x * 0.5f);
  if (ImGui::SliderInt("##timeline", &i, 0, last, label)) pick_ = i;
  ImGui::SameLine();
  if (ImGui::Button("Rewind here")) {
    ctx.send(cmd::Rewind{steps[size_t(i)]});
    pick_ = -1;
  }
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("Restores the whole training state kept at that step (model, optimiser, buffer, RNG)\n"
                      "and pauses. Change knobs, then Play: a branch. Without changes, the run repeats exactly.");
  ImGui::TextDisabled("Timeline: %zu states kept, steps %lld-%lld.", steps.size(), static_cast<long long>(steps.front()),
                      static_cast<long long>(steps.back()));
}

}  // namespace jem::window
