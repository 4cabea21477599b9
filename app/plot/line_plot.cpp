#include "app/plot/line_plot.h"

#include <imgui.h>

#include <algorithm>
#include <cmath>

namespace jem::plot {
namespace {

struct Range {
  double lo = INFINITY, hi = -INFINITY;
  void add(double v) { lo = std::min(lo, v), hi = std::max(hi, v); }
  bool valid() const { return lo <= hi; }
};

double transform_y(double v, bool log_y) { return log_y ? std::log10(v) : v; }
bool usable(float v, bool log_y) { return std::isfinite(v) && (!log_y || v > 0); }

// The series' ranges in plot units (log10 when log_y), with the options' fixed limits applied.
bool series_ranges(const std::vector<Series>& series, const PlotOptions& opt, Range& xr, Range& yr) {
  for (const Series& s : series)
    for (size_t i = 0; i < s.x.size() && i < s.y.size(); ++i)
      if (usable(s.y[i], opt.log_y)) xr.add(s.x[i]), yr.add(transform_y(s.y[i], opt.log_y));
  if (opt.fixed_y) yr.lo = transform_y(opt.y_min, opt.log_y), yr.hi = transform_y(opt.y_max, opt.log_y);
  if (!xr.valid() || !yr.valid()) return false;
  if (opt.x_max > opt.x_min) xr.lo = opt.x_min, xr.hi = opt.x_max;
  if (xr.hi <= xr.lo) xr.hi = xr.lo + 1;
  if (yr.hi <= yr.lo) {  // a constant series (the learning rate): a band around it
    const double d = std::max(std::fabs(yr.lo) * 0.1, 1e-12);
    yr.lo -= d, yr.hi += d;
  }
  const double pad = (yr.hi - yr.lo) * 0.06;
  if (!opt.fixed_y) yr.lo -= pad, yr.hi += pad;
  if (opt.steady) {
    xr.hi = steady_end(xr.lo, xr.hi);
    if (!opt.fixed_y) steady_range(yr.lo, yr.hi);
  }
  return true;
}

// Whole pixels: ImGui then draws the line from its baked anti-aliased line texture, two triangles
// a segment instead of six, and on a software rasteriser (llvmpipe) triangles are the cost.
float line_width(float scale) { return std::max(1.0f, std::round(1.5f * scale)); }

// One series, decimated to at most two points per pixel column (min and max keep spikes visible).
void draw_series(const Axes& a, const Series& s, bool log_y, std::vector<ImVec2>& pts) {
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
    if (!usable(s.y[i], log_y)) continue;
    const int c = int(std::floor(a.sx(s.x[i])));
    const float y = a.sy(transform_y(s.y[i], log_y));
    if (c != column) {
      flush();
      column = c, cmin = cmax = y;
    } else {
      cmin = std::min(cmin, y), cmax = std::max(cmax, y);
    }
  }
  flush();
  // Sparse series (evaluation iterations only) get a dot per point so that each is readable.
  if (pts.size() <= 40 && !pts.empty())
    for (const ImVec2& p : pts) a.dl->AddCircleFilled(p, 2.5f * a.scale, s.color);
  if (pts.size() >= 2) a.dl->AddPolyline(pts.data(), int(pts.size()), s.color, ImDrawFlags_None, line_width(a.scale));
}

double step_under_pointer(const Axes& a, float mx) {
  return a.x_lo + (mx - a.p0.x) / (a.p1.x - a.p0.x) * (a.x_hi - a.x_lo);
}

// A click picks the series whose value at the step under the pointer is nearest to it.
int series_clicked(const Axes& a, const std::vector<Series>& series, bool log_y) {
  if (!a.hovered || !ImGui::IsMouseClicked(ImGuiMouseButton_Left)) return -1;
  const ImVec2 m = ImGui::GetIO().MousePos;
  const double x = step_under_pointer(a, m.x);
  float best = 8 * a.scale;
  int clicked = -1;
  for (size_t k = 0; k < series.size(); ++k) {
    const Series& s = series[k];
    const auto it = std::lower_bound(s.x.begin(), s.x.end(), float(x));
    if (it == s.x.end() || size_t(it - s.x.begin()) >= s.y.size()) continue;
    const float v = s.y[size_t(it - s.x.begin())];
    if (!usable(v, log_y)) continue;
    const float d = std::fabs(a.sy(transform_y(v, log_y)) - m.y);
    if (d <= best) best = d, clicked = int(k);
  }
  return clicked;
}

// Hover: a vertical rule and the value of each series at the nearest step.
void hover_readout(const Axes& a, const std::vector<Series>& series) {
  const float mx = ImGui::GetIO().MousePos.x;
  if (!a.hovered || mx < a.p0.x || mx > a.p1.x) return;
  const double x = step_under_pointer(a, mx);
  a.dl->AddLine(ImVec2(mx, a.p0.y), ImVec2(mx, a.p1.y), IM_COL32(255, 255, 255, 90));
  ImGui::BeginTooltip();
  ImGui::Text("step %.0f", x);
  for (const Series& s : series) {
    const auto it = std::lower_bound(s.x.begin(), s.x.end(), float(x));
    if (it == s.x.end() || size_t(it - s.x.begin()) >= s.y.size()) continue;
    const float v = s.y[size_t(it - s.x.begin())];
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(s.color), "%s  %.5g", s.label.c_str(), v);
  }
  ImGui::EndTooltip();
}

}  // namespace

int line_plot(const char* id, const std::vector<Series>& series, const PlotOptions& opt) {
  ImGui::PushID(id);
  Range xr, yr;
  if (!series_ranges(series, opt, xr, yr)) {
    empty_axes(opt.height, opt.title + ": no data yet");
    ImGui::PopID();
    return -1;
  }
  AxesOptions ao;
  ao.height = opt.height, ao.log_y = opt.log_y;
  const Axes a = begin_axes(ao, xr.lo, xr.hi, yr.lo, yr.hi);
  a.dl->PushClipRect(a.p0, a.p1, true);
  std::vector<ImVec2> pts;
  for (const Series& s : series) draw_series(a, s, opt.log_y, pts);
  a.dl->PopClipRect();
  std::vector<LegendEntry> legend;
  if (opt.legend && (series.size() > 1 || opt.title.empty()))
    for (const Series& s : series) legend.push_back({s.label, s.color});
  draw_legend(a, opt.title, legend);
  const int clicked = series_clicked(a, series, opt.log_y);
  hover_readout(a, series);
  ImGui::PopID();
  return clicked;
}

}  // namespace jem::plot
