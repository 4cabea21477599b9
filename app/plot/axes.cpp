#include "app/plot/axes.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "app/plot/flow_layout.h"

namespace jem::plot {
namespace {

constexpr ImU32 kFrame = IM_COL32(255, 255, 255, 40);
constexpr ImU32 kGrid = IM_COL32(255, 255, 255, 28);
constexpr ImU32 kAxisText = IM_COL32(200, 200, 205, 255);

// The 1, 2, 5 x 10^k step that divides [lo, hi] into about `target` steps (hi > lo, target >= 1).
double nice_step(double lo, double hi, int target) {
  const double raw = (hi - lo) / target;
  const double mag = std::pow(10.0, std::floor(std::log10(raw)));
  const double norm = raw / mag;
  return (norm < 1.5 ? 1 : norm < 3 ? 2 : norm < 7 ? 5 : 10) * mag;
}

}  // namespace

std::vector<double> nice_ticks(double lo, double hi, int target) {
  std::vector<double> ticks;
  if (!(hi > lo) || target < 1) return ticks;
  const double step = nice_step(lo, hi, target);
  for (double t = std::ceil(lo / step) * step; t <= hi + step * 1e-9; t += step)
    ticks.push_back(std::fabs(t) < step * 1e-9 ? 0.0 : t);
  return ticks;
}

double steady_end(double lo, double hi) {
  const double span = hi - lo;
  if (!(span > 0)) return hi;
  const double mag = std::pow(10.0, std::floor(std::log10(span)));
  for (double m : {1.0, 1.2, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0})
    if (m * mag >= span * (1 - 1e-12)) return lo + m * mag;
  return hi;
}

void steady_range(double& lo, double& hi) {
  if (!(hi > lo)) return;
  const double step = nice_step(lo, hi, 5);
  lo = std::floor(lo / step + 1e-9) * step, hi = std::ceil(hi / step - 1e-9) * step;
}

std::string format_tick(double v) {
  char buf[32];
  const double a = std::fabs(v);
  if (a != 0 && (a >= 1e5 || a < 1e-3))
    std::snprintf(buf, sizeof buf, "%.0e", v);
  else
    std::snprintf(buf, sizeof buf, "%.4g", v);
  return buf;
}

Axes begin_axes(const AxesOptions& opt, double x_lo, double x_hi, double y_lo, double y_hi) {
  Axes a;
  a.scale = ImGui::GetFontSize() / 13.0f;
  const float font = ImGui::GetFontSize();
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  const ImVec2 size(std::max(ImGui::GetContentRegionAvail().x, 50.0f), opt.height);
  ImGui::InvisibleButton("plot", size);
  a.hovered = ImGui::IsItemHovered();
  a.dl = ImGui::GetWindowDrawList();
  a.p0 = ImVec2(origin.x + 46 * a.scale, origin.y + 4 * a.scale);
  a.p1 = ImVec2(origin.x + size.x - 6 * a.scale, origin.y + size.y - font * opt.bottom_em);
  a.x_lo = x_lo, a.x_hi = x_hi > x_lo ? x_hi : x_lo + 1;
  a.y_lo = y_lo, a.y_hi = y_hi > y_lo ? y_hi : y_lo + 1;
  // An outline, not a fill: on llvmpipe every filled pixel costs (see lab_window.cpp).
  a.dl->AddRect(a.p0, a.p1, kFrame, 3);
  for (double t : nice_ticks(a.y_lo, a.y_hi, std::max(2, int((a.p1.y - a.p0.y) / (font * 2.2f))))) {
    const float y = a.sy(t);
    a.dl->AddLine(ImVec2(a.p0.x, y), ImVec2(a.p1.x, y), kGrid);
    const std::string label = opt.log_y ? format_tick(std::pow(10.0, t)) : format_tick(t);
    const ImVec2 ts = ImGui::CalcTextSize(label.c_str());
    a.dl->AddText(ImVec2(a.p0.x - ts.x - 4 * a.scale, y - ts.y / 2), kAxisText, label.c_str());
  }
  if (opt.x_ticks) {
    for (double t : nice_ticks(a.x_lo, a.x_hi, std::max(2, int((a.p1.x - a.p0.x) / (font * 5))))) {
      const float x = a.sx(t);
      a.dl->AddLine(ImVec2(x, a.p0.y), ImVec2(x, a.p1.y), kGrid);
      const std::string label = format_tick(t);
      const ImVec2 ts = ImGui::CalcTextSize(label.c_str());
      // Centred under its tick; one at the right edge (a steady axis ends on one) kept whole.
      const float left = std::min(x - ts.x / 2, a.dl->GetClipRectMax().x - ts.x);
      a.dl->AddText(ImVec2(left, a.p1.y + 1), kAxisText, label.c_str());
    }
  }
  return a;
}

void empty_axes(float height, const std::string& message) {
  const float scale = ImGui::GetFontSize() / 13.0f;
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  const ImVec2 size(std::max(ImGui::GetContentRegionAvail().x, 50.0f), height);
  ImGui::Dummy(size);
  const ImVec2 p0(origin.x + 46 * scale, origin.y + 4 * scale), p1(origin.x + size.x - 6 * scale, origin.y + size.y);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->AddRect(p0, p1, kFrame, 3);
  dl->AddText(ImVec2(p0.x + 8, p0.y + 8), kAxisText, message.c_str());
}

// The title and the entries flow left to right and wrap at the frame's right edge, on a
// translucent plate so that they stay readable over the curves they name.
void draw_legend(const Axes& a, const std::string& title, const std::vector<LegendEntry>& entries) {
  const float font = ImGui::GetFontSize(), pad = 6 * a.scale, swatch = 13 * a.scale;
  std::vector<const std::string*> texts;
  std::vector<const LegendEntry*> owners;  // null for the title (no swatch)
  std::vector<float> widths, gaps;
  auto add = [&](const std::string& text, const LegendEntry* owner, float gap) {
    texts.push_back(&text);
    owners.push_back(owner);
    widths.push_back((owner ? swatch : 0) + ImGui::CalcTextSize(text.c_str()).x);
    gaps.push_back(gap * a.scale);
  };
  if (!title.empty()) add(title, nullptr, 12);
  for (const LegendEntry& e : entries) add(e.label, &e, 10);
  if (texts.empty()) return;
  const float left = a.p0.x + pad, top = a.p0.y + 3 * a.scale;
  const std::vector<FlowPlace> places = flow_left_to_right(widths, gaps, a.p1.x - pad - left);
  std::vector<float> line_end(size_t(places.back().line) + 1, 0.0f);
  for (size_t i = 0; i < places.size(); ++i) line_end[size_t(places[i].line)] = places[i].x + widths[i];
  a.dl->PushClipRect(a.p0, a.p1, true);
  for (size_t l = 0; l < line_end.size(); ++l) {
    const float y = top + font * float(l);
    a.dl->AddRectFilled(ImVec2(left - 3 * a.scale, y), ImVec2(left + line_end[l] + 3 * a.scale, y + font),
                        IM_COL32(22, 22, 27, 200), 3 * a.scale);
  }
  for (size_t i = 0; i < texts.size(); ++i) {
    const ImVec2 at(left + places[i].x, top + font * float(places[i].line));
    if (!owners[i]) {
      a.dl->AddText(at, IM_COL32(235, 235, 240, 255), texts[i]->c_str());
      continue;
    }
    a.dl->AddRectFilled(ImVec2(at.x, at.y + font * 0.35f), ImVec2(at.x + 10 * a.scale, at.y + font * 0.65f), owners[i]->color);
    a.dl->AddText(ImVec2(at.x + swatch, at.y), kAxisText, texts[i]->c_str());
  }
  a.dl->PopClipRect();
}

float legend_row(const std::vector<LegendEntry>& entries) {
  const float font = ImGui::GetFontSize(), scale = font / 13.0f;
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  // Entries wrap at the region's right edge (a narrow column must not cut the last one off).
  const float left = 46 * scale;
  std::vector<float> widths, gaps;
  for (const LegendEntry& e : entries) {
    widths.push_back(font * 1.1f + ImGui::CalcTextSize(e.label.c_str()).x);
    gaps.push_back(font * 1.2f);
  }
  const std::vector<FlowPlace> places =
      flow_left_to_right(widths, gaps, std::max(0.0f, ImGui::GetContentRegionAvail().x - left));
  float width = left;  // to the end of the longest line: a SameLine() after the row follows it
  for (size_t i = 0; i < entries.size(); ++i) {
    width = std::max(width, left + places[i].x + widths[i]);
    const ImVec2 at(origin.x + left + places[i].x, origin.y + font * 1.1f * float(places[i].line));
    dl->AddRectFilled(ImVec2(at.x, at.y + font * 0.3f), ImVec2(at.x + font * 0.8f, at.y + font * 0.9f), entries[i].color);
    dl->AddText(ImVec2(at.x + font * 1.1f, at.y), kAxisText, entries[i].label.c_str());
  }
  const int lines = places.empty() ? 1 : places.back().line + 1;
  ImGui::Dummy(ImVec2(width, font * 1.1f * float(lines)));
  return font * 1.1f * float(lines);
}

}  // namespace jem::plot
