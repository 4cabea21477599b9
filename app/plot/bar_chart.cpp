#include "app/plot/bar_chart.h"

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace jem::plot {
namespace {

constexpr ImU32 kLabel = IM_COL32(200, 200, 205, 255);

uint32_t with_alpha(uint32_t c, uint8_t a) { return (c & 0x00ffffffu) | (uint32_t(a) << 24); }

}  // namespace

std::vector<double> normalise_counts(const std::vector<int64_t>& counts) {
  double total = 0;
  for (int64_t c : counts) total += double(c);
  std::vector<double> out(counts.size(), 0.0);
  if (total > 0)
    for (size_t i = 0; i < counts.size(); ++i) out[i] = double(counts[i]) / total;
  return out;
}

void grouped_bars(const char* id, const std::vector<std::string>& categories, const std::vector<BarSeries>& series,
                  const BarOptions& opt) {
  ImGui::PushID(id);
  AxesOptions ao;
  ao.height = opt.height, ao.x_ticks = false;
  const int n_cat = int(categories.size()), n_ser = int(series.size());
  const Axes a = begin_axes(ao, 0, std::max(1, n_cat), 0, opt.y_max * 1.12);
  const float font = ImGui::GetFontSize();
  const float group_w = (a.p1.x - a.p0.x) / std::max(1, n_cat);
  const float bar_w = group_w * 0.8f / std::max(1, n_ser);
  for (int c = 0; c < n_cat; ++c) {
    const float gx = a.p0.x + group_w * c + group_w * 0.1f;
    for (int s = 0; s < n_ser; ++s) {
      if (size_t(c) >= series[s].values.size() || !std::isfinite(series[s].values[c])) continue;
      const double v = std::clamp(series[s].values[c], 0.0, opt.y_max * 1.12);
      const float x0 = gx + bar_w * s, x1 = x0 + bar_w - std::max(1.0f, bar_w * 0.12f);
      a.dl->AddRectFilled(ImVec2(x0, a.sy(v)), ImVec2(x1, a.p1.y), series[s].color);
      // Values above the bars only where the text fits: otherwise they overlap into noise.
      char buf[16];
      std::snprintf(buf, sizeof buf, "%.2f", series[s].values[c]);
      const ImVec2 ts = ImGui::CalcTextSize(buf);
      if (opt.value_labels && ts.x * 0.8f <= bar_w + 2)
        a.dl->AddText(ImGui::GetFont(), font * 0.8f, ImVec2((x0 + x1) / 2 - ts.x * 0.4f, a.sy(v) - font * 0.85f),
                      kLabel, buf);
    }
    const ImVec2 ts = ImGui::CalcTextSize(categories[c].c_str());
    a.dl->AddText(ImVec2(a.p0.x + group_w * (c + 0.5f) - ts.x / 2, a.p1.y + 1), kLabel, categories[c].c_str());
  }
  std::vector<LegendEntry> legend;
  if (opt.legend)
    for (const BarSeries& s : series) legend.push_back({s.label, s.color});
  draw_legend(a, opt.title, legend);
  ImGui::PopID();
}

void overlaid_histograms(const char* id, const std::vector<HistogramSeries>& series, const HistogramOptions& opt) {
  ImGui::PushID(id);
  double top = 0;
  for (const HistogramSeries& s : series)
    for (double d : s.density) top = std::max(top, d);
  AxesOptions ao;
  ao.height = opt.height;
  // Headroom for the legend line above the tallest bin.
  const Axes a = begin_axes(ao, opt.lo, opt.hi, 0, top > 0 ? top * 1.25 : 1);
  for (const HistogramSeries& s : series) {
    const size_t n = s.density.size();
    if (n == 0) continue;
    std::vector<ImVec2> outline;
    outline.reserve(2 * n + 2);
    outline.emplace_back(a.sx(opt.lo), a.p1.y);
    for (size_t b = 0; b < n; ++b) {
      const float x0 = a.sx(opt.lo + (opt.hi - opt.lo) * b / n), x1 = a.sx(opt.lo + (opt.hi - opt.lo) * (b + 1) / n);
      const float y = a.sy(s.density[b]);
      if (s.density[b] > 0) a.dl->AddRectFilled(ImVec2(x0, y), ImVec2(x1, a.p1.y), with_alpha(s.color, 70));
      outline.emplace_back(x0, y);
      outline.emplace_back(x1, y);
    }
    outline.emplace_back(a.sx(opt.hi), a.p1.y);
    a.dl->AddPolyline(outline.data(), int(outline.size()), s.color, ImDrawFlags_None, 1.5f * a.scale);
  }
  std::vector<LegendEntry> legend;
  for (const HistogramSeries& s : series) legend.push_back({s.label, s.color});
  draw_legend(a, opt.title, legend);
  ImGui::PopID();
}

}  // namespace jem::plot
