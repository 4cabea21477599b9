#include "app/widgets/widgets.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace jem::window {
namespace {

std::string tick_text(float v, float lo, float hi) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3g", std::fabs(v) < 1e-6f * std::max(std::fabs(lo), std::fabs(hi)) ? 0.0f : v);
  return buf;
}

// A colour bar with numbers: vertical (high at the top) or horizontal (high at the right).
// Returns the right edge of what it drew (the numbers of a vertical bar).
}  // namespace

float colour_bar(ImDrawList* dl, ImVec2 p0, ImVec2 size, plot::Colormap cmap, float lo, float hi, bool vertical,
                 const char* title) {
  gradient_strip(dl, p0, size, cmap, vertical);
  const ImU32 text = IM_COL32(220, 220, 225, 255);
  const float em = ImGui::GetFontSize();
  // Five numbers where they fit side by side, else three (a narrow column, long numbers).
  float widest = 0;
  for (int i = 0; i <= 4; ++i) widest = std::max(widest, ImGui::CalcTextSize(tick_text(lo + (hi - lo) * i / 4, lo, hi).c_str()).x);
  const int n = vertical || (widest + em) * 5 <= size.x ? 4 : 2;
  float right = p0.x + size.x;
  for (int i = 0; i <= n; ++i) {
    const float v = vertical ? hi - (hi - lo) * i / n : lo + (hi - lo) * i / n;
    const std::string txt = tick_text(v, lo, hi);
    const char* buf = txt.c_str();
    const ImVec2 ts = ImGui::CalcTextSize(buf);
    if (vertical) {
      const float y = p0.y + size.y * i / n;
      // No tick mark here: beside a number it would read as a minus sign.
      dl->AddText(ImVec2(p0.x + size.x + em * 0.35f, y - ts.y / 2), text, buf);
      right = std::max(right, p0.x + size.x + em * 0.35f + ts.x);
    } else {
      const float x = p0.x + size.x * i / n;
      const float tx = std::clamp(x - ts.x / 2, p0.x, p0.x + size.x - ts.x);
      dl->AddLine(ImVec2(x, p0.y + size.y), ImVec2(x, p0.y + size.y + em * 0.25f), text);
      dl->AddText(ImVec2(tx, p0.y + size.y + em * 0.25f), text, buf);
    }
  }
  if (title && !vertical) {
    const ImVec2 ts = ImGui::CalcTextSize(title);
    dl->AddText(ImVec2(p0.x + (size.x - ts.x) / 2, p0.y - ts.y - em * 0.15f), text, title);
  }
  return right;
}

void gradient_strip(ImDrawList* dl, ImVec2 p0, ImVec2 size, plot::Colormap cmap, bool vertical) {
  const int segments = 48;
  for (int i = 0; i < segments; ++i) {
    const float t0 = float(i) / segments, t1 = float(i + 1) / segments;
    const ImU32 c0 = plot::colormap_color(cmap, vertical ? 1 - t0 : t0);
    const ImU32 c1 = plot::colormap_color(cmap, vertical ? 1 - t1 : t1);
    if (vertical)
      dl->AddRectFilledMultiColor(ImVec2(p0.x, p0.y + size.y * t0), ImVec2(p0.x + size.x, p0.y + size.y * t1), c0, c0,
                                  c1, c1);
    else
      dl->AddRectFilledMultiColor(ImVec2(p0.x + size.x * t0, p0.y), ImVec2(p0.x + size.x * t1, p0.y + size.y), c0, c1,
                                  c1, c0);
  }
}

void help_marker(const char* text) {
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", text);
}

void same_line_if_fits(float w) {
  const float right = ImGui::GetWindowPos().x + ImGui::GetWindowContentRegionMax().x;
  if (ImGui::GetItemRectMax().x + ImGui::GetStyle().ItemSpacing.x + w <= right) ImGui::SameLine();
}

void error_line(const std::string& text) {
  ImGui::PushTextWrapPos(0);
  ImGui::TextColored(ImVec4(1, 0.5f, 0.45f, 1), "%s", text.c_str());
  ImGui::PopTextWrapPos();
}

bool knob_picker(const char* id, int& index, const std::function<bool(const ParamSpec&)>& allowed) {
  const std::vector<ParamSpec>& specs = schema();
  bool changed = false;
  const char* shown = index >= 0 && index < int(specs.size()) ? specs[size_t(index)].name.c_str() : "";
  if (ImGui::BeginCombo(id, shown, ImGuiComboFlags_HeightLarge)) {
    std::string group;
    for (size_t i = 0; i < specs.size(); ++i) {
      if (!allowed(specs[i])) continue;
      if (specs[i].group != group) ImGui::TextDisabled("%s", group_title(group = specs[i].group));
      if (ImGui::Selectable(specs[i].name.c_str(), int(i) == index)) changed = int(i) != index, index = int(i);
      if (ImGui::IsItemHovered())
        ImGui::SetTooltip("%s\n%s %s", specs[i].help.c_str(), type_name(specs[i].type).c_str(),
                          describe_range(specs[i]).c_str());
    }
    ImGui::EndCombo();
  }
  return changed;
}

void knob_tooltip(const ParamSpec& p) {
  if (!ImGui::IsItemHovered()) return;
  ImGui::BeginTooltip();
  ImGui::PushTextWrapPos(ImGui::GetFontSize() * 28);
  ImGui::TextUnformatted(p.help.c_str());
  ImGui::TextDisabled("%s, %s%s", type_name(p.type).c_str(), describe_range(p).c_str(),
                      p.effect == Effect::Reset     ? "; a change restarts the run"
                      : p.effect == Effect::Buffer  ? "; a change rebuilds the replay buffer"
                      : p.effect == Effect::Optimizer ? "; a change rebuilds the optimiser"
                                                      : "");
  ImGui::PopTextWrapPos();
  ImGui::EndTooltip();
}

void knob_widget(LabContext& ctx, const ParamSpec& p, PendingEdits& pending) {
  const Settings& published = ctx.snap->settings;
  ImGui::PushID(p.name.c_str());
  ImGui::SetNextItemWidth(ImGui::GetContentRegionAvail().x * 0.55f);
  const bool textual = p.type == ParamType::Choice || p.type == ParamType::Text;
  const double shown = textual ? 0.0 : pending.shown(p, published);
  bool changed = false, released = false;
  double value = shown;
  switch (p.type) {
    case ParamType::Bool: {
      bool b = shown != 0;
      changed = ImGui::Checkbox(p.name.c_str(), &b);
      value = b ? 1 : 0;
      released = changed;
      break;
    }
    case ParamType::Choice: {
      const int current = choice_index(p, published);
      if (ImGui::BeginCombo(p.name.c_str(), p.choices[size_t(current)].c_str())) {
        for (size_t i = 0; i < p.choices.size(); ++i)
          if (ImGui::Selectable(p.choices[i].c_str(), int(i) == current)) ctx.send(choice_command(p, int(i)));
        ImGui::EndCombo();
      }
      break;
    }
    case ParamType::Text: {
      // Applied on Enter: a folder name typed letter by letter must not restart the run each time.
      char buf[512];
      std::snprintf(buf, sizeof buf, "%s", get_param(published, p.name).c_str());
      if (ImGui::InputText(p.name.c_str(), buf, sizeof buf, ImGuiInputTextFlags_EnterReturnsTrue))
        ctx.send(cmd::SetParam{p.name, buf});
      break;
    }
    case ParamType::Int: {
      int v = int(std::lround(shown));
      if (wants_input_field(p)) {
        changed = ImGui::InputInt(p.name.c_str(), &v, 1, 100, ImGuiInputTextFlags_EnterReturnsTrue);
        released = changed;
      } else {
        const int lo = int(p.min), hi = int(p.max);
        changed = ImGui::SliderInt(p.name.c_str(), &v, lo, hi, "%d",
                                   p.log_scale ? ImGuiSliderFlags_Logarithmic : ImGuiSliderFlags_None);
        released = ImGui::IsItemDeactivatedAfterEdit();
      }
      value = v;
      break;
    }
    case ParamType::Real: {
      double lo = p.min, hi = p.max;
      changed = ImGui::SliderScalar(p.name.c_str(), ImGuiDataType_Double, &value, &lo, &hi,
                                    p.log_scale ? "%.3g" : "%.4g",
                                    p.log_scale ? ImGuiSliderFlags_Logarithmic : ImGuiSliderFlags_None);
      released = ImGui::IsItemDeactivatedAfterEdit();
      break;
    }
  }
  knob_tooltip(p);
  // Live knobs apply while the slider moves; knobs that rebuild or reset the run apply on release.
  if (!textual) {
    if (changed) pending.sent(p.name, value);
    if ((changed && !applies_on_release(p)) || released) ctx.send(knob_command(p, value));
  }
  ImGui::PopID();
}

}  // namespace jem::window
