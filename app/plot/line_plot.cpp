#include "app/plot/line_plot.h"

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace jem::plot {
namespace {

constexpr ImU32 kFrame = IM_COL32(255, 255, 255, 40);
constexpr ImU32 kGrid = IM_COL32(255, 255, 255, 28);
constexpr ImU32 kAxisText = IM_COL32(200, 200, 205, 255);

struct Range {
  double lo = INFINITY, hi = -INFINITY;
  void add(double v) { lo = std::min(lo, v), hi = std::max(hi, v); }
  bool valid() const { return lo <= hi; }
};

double transform_y(double v, bool log_y) { return log_y ? std::log10(v) : v; }
bool usable(float v, bool log_y) { return std::isfinite(v) && (!log_y || v > 0); }

}  // namespace

std::vector<double> nice_ticks(double lo, double hi, int target) {
  std::vector<double> ticks;
  if (!(hi > lo) || target < 1) return ticks;
  const double raw = (hi - lo) / target;
  const double mag = std::pow(10.0, std::floor(std::log10(raw)));
  const double norm = raw / mag;
  const double step = (norm < 1.5 ? 1 : norm < 3 ? 2 : norm < 7 ? 5 : 10) * mag;
  for (double t = std::ceil(lo / step) * step; t <= hi + step * 1e-9; t += step)
    ticks.push_back(std::fabs(t) < step * 1e-9 ? 0.0 : t);
  return ticks;
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

void line_plot(const char* id, const std::vector<Series>& series, const PlotOptions& opt) {
  ImGui::PushID(id);
  const float scale = ImGui::GetFontSize() / 13.0f;
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  const float width = std::max(ImGui::GetContentRegionAvail().x, 50.0f);
  const ImVec2 size(width, opt.height);
  ImGui::InvisibleButton("plot", size);
  const bool hovered = ImGui::IsItemHovered();
  ImDrawList* dl = ImGui::GetWindowDrawList();

  const float left = 46 * scale, bottom = 16 * scale, top = 4 * scale;
  const ImVec2 p0(origin.x + left, origin.y + top), p1(origin.x + size.x - 6 * scale, origin.y + size.y - bottom);
  // An outline, not a fill: on llvmpipe every filled pixel costs (see lab_window.cpp).
  dl->AddRect(p0, p1, kFrame, 3);

  Range xr, yr;
  for (const Series& s : series)
    for (size_t i = 0; i < s.x.size() && i < s.y.size(); ++i)
      if (usable(s.y[i], opt.log_y)) xr.add(s.x[i]), yr.add(transform_y(s.y[i], opt.log_y));
  if (opt.fixed_y) yr.lo = transform_y(opt.y_min, opt.log_y), yr.hi = transform_y(opt.y_max, opt.log_y);
  if (!xr.valid() || !yr.valid()) {
    dl->AddText(ImVec2(p0.x + 8, p0.y + 8), kAxisText, (opt.title + ": no data yet").c_str());
    ImGui::PopID();
    return;
  }
  if (xr.hi <= xr.lo) xr.hi = xr.lo + 1;
  if (yr.hi <= yr.lo) {  // a constant series (the learning rate): a band around it
    const double d = std::max(std::fabs(yr.lo) * 0.1, 1e-12);
    yr.lo -= d, yr.hi += d;
  }
  const double pad = (yr.hi - yr.lo) * 0.06;
  if (!opt.fixed_y) yr.lo -= pad, yr.hi += pad;
  auto sx = [&](double x) { return float(p0.x + (x - xr.lo) / (xr.hi - xr.lo) * (p1.x - p0.x)); };
  auto sy = [&](double y) { return float(p1.y - (y - yr.lo) / (yr.hi - yr.lo) * (p1.y - p0.y)); };

  // Grid and tick labels.
  const float font = ImGui::GetFontSize();
  for (double t : nice_ticks(yr.lo, yr.hi, std::max(2, int((p1.y - p0.y) / (font * 2.2f))))) {
    const float y = sy(t);
    dl->AddLine(ImVec2(p0.x, y), ImVec2(p1.x, y), kGrid);
    const std::string label = opt.log_y ? format_tick(std::pow(10.0, t)) : format_tick(t);
    const ImVec2 ts = ImGui::CalcTextSize(label.c_str());
    dl->AddText(ImVec2(p0.x - ts.x - 4 * scale, y - ts.y / 2), kAxisText, label.c_str());
  }
  for (double t : nice_ticks(xr.lo, xr.hi, std::max(2, int((p1.x - p0.x) / (font * 5))))) {
    const float x = sx(t);
    dl->AddLine(ImVec2(x, p0.y), ImVec2(x, p1.y), kGrid);
    const std::string label = format_tick(t);
    const ImVec2 ts = ImGui::CalcTextSize(label.c_str());
    dl->AddText(ImVec2(x - ts.x / 2, p1.y + 1), kAxisText, label.c_str());
  }

  // Lines, decimated to at most two points per pixel column (min and max keep spikes visible).
  dl->PushClipRect(p0, p1, true);
  std::vector<ImVec2> pts;
  for (const Series& s : series) {
    pts.clear();
    const size_t n = std::min(s.x.size(), s.y.size());
    int column = -1;
    float cmin = 0, cmax = 0;
    auto flush = [&] {
      if (column < 0) return;
      pts.emplace_back(float(column), cmin);
      if (cmax != cmin) pts.emplace_back(float(column), cmax);
    };
    for (size_t i = 0; i < n; ++i) {
      if (!usable(s.y[i], opt.log_y)) continue;
      const int c = int(std::floor(sx(s.x[i])));
      const float y = sy(transform_y(s.y[i], opt.log_y));
      if (c != column) {
        flush();
        column = c, cmin = cmax = y;
      } else {
        cmin = std::min(cmin, y), cmax = std::max(cmax, y);
      }
    }
    flush();
    if (pts.size() == 1) dl->AddCircleFilled(pts[0], 2.5f * scale, s.color);
    if (pts.size() >= 2) dl->AddPolyline(pts.data(), int(pts.size()), s.color, ImDrawFlags_None, 1.5f * scale);
  }
  dl->PopClipRect();

  // Title and legend inside the frame, top-left.
  float lx = p0.x + 6 * scale;
  const float ly = p0.y + 3 * scale;
  if (!opt.title.empty()) {
    dl->AddText(ImVec2(lx, ly), IM_COL32(235, 235, 240, 255), opt.title.c_str());
    lx += ImGui::CalcTextSize(opt.title.c_str()).x + 12 * scale;
  }
  if (series.size() > 1 || opt.title.empty()) {
    for (const Series& s : series) {
      dl->AddRectFilled(ImVec2(lx, ly + font * 0.35f), ImVec2(lx + 10 * scale, ly + font * 0.65f), s.color);
      dl->AddText(ImVec2(lx + 13 * scale, ly), kAxisText, s.label.c_str());
      lx += 13 * scale + ImGui::CalcTextSize(s.label.c_str()).x + 10 * scale;
    }
  }

  // Hover: a vertical rule and the value of each series at the nearest step.
  if (hovered) {
    const float mx = ImGui::GetIO().MousePos.x;
    if (mx >= p0.x && mx <= p1.x) {
      const double x = xr.lo + (mx - p0.x) / (p1.x - p0.x) * (xr.hi - xr.lo);
      dl->AddLine(ImVec2(mx, p0.y), ImVec2(mx, p1.y), IM_COL32(255, 255, 255, 90));
      ImGui::BeginTooltip();
      ImGui::Text("step %.0f", x);
      for (const Series& s : series) {
        const auto it = std::lower_bound(s.x.begin(), s.x.end(), float(x));
        if (it == s.x.end()) continue;
        const float v = s.y[size_t(it - s.x.begin())];
        ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(s.color), "%s  %.5g", s.label.c_str(), v);
      }
      ImGui::EndTooltip();
    }
  }
  ImGui::PopID();
}

}  // namespace jem::plot
