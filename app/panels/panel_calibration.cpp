#include "app/panels/panel_calibration.h"

#include <imgui.h>

#include <algorithm>
#include <cmath>

#include "app/plot/bar_chart.h"
#include "app/widgets/widgets.h"

namespace jem::window {
namespace {

constexpr ImU32 kAccuracyBar = IM_COL32(86, 180, 233, 230);
constexpr ImU32 kGapHatch = IM_COL32(255, 90, 70, 210);
constexpr ImU32 kGapEdge = IM_COL32(255, 110, 80, 255);
constexpr ImU32 kDiagonal = IM_COL32(240, 240, 240, 200);

// Confidence is a max softmax, never below 1/K: start the axis at the first non-empty bin
// (0.5 for two classes) so the informative part fills the plot.
double first_used_confidence(const Calibration& c) {
  for (const ReliabilityBin& b : c.bins)
    if (b.count > 0) return std::floor(b.lo * 10) / 10;
  return 0;
}

void reliability_diagram(const Calibration& c, float height) {
  const double x_lo = first_used_confidence(c);
  plot::AxesOptions ao;
  ao.height = height, ao.bottom_em = 2.3f;  // a second line under the ticks names the x axis
  ImGui::PushID("reliability");
  const plot::Axes a = plot::begin_axes(ao, x_lo, 1.0, x_lo, 1.0);
  a.dl->PushClipRect(a.p0, a.p1, true);
  for (const ReliabilityBin& b : c.bins) {
    if (b.count == 0 || !std::isfinite(b.accuracy)) continue;
    const float x0 = a.sx(b.lo) + 1, x1 = a.sx(b.hi) - 1;
    a.dl->AddRectFilled(ImVec2(x0, a.sy(b.accuracy)), ImVec2(x1, a.p1.y), kAccuracyBar);
    // The gap between what the model claims (mean confidence) and what it achieves (accuracy).
    const float y_acc = a.sy(b.accuracy), y_conf = a.sy(b.confidence);
    const ImVec2 g0(x0, std::min(y_acc, y_conf)), g1(x1, std::max(y_acc, y_conf));
    // Hatched, not filled: when the model is under-confident the gap lies inside the accuracy bar,
    // and a fill would hide how tall the bar is.
    a.dl->PushClipRect(g0, g1, true);
    const float step = 5 * a.scale;
    for (float d = -(g1.y - g0.y); d < g1.x - g0.x; d += step)
      a.dl->AddLine(ImVec2(g0.x + d, g1.y), ImVec2(g0.x + d + (g1.y - g0.y), g0.y), kGapHatch, 1.0f * a.scale);
    a.dl->PopClipRect();
    a.dl->AddRect(g0, g1, kGapEdge, 0, 0, 1.2f * a.scale);
    a.dl->AddLine(ImVec2(x0, y_conf), ImVec2(x1, y_conf), kGapEdge, 2.5f * a.scale);
  }
  a.dl->AddLine(ImVec2(a.sx(x_lo), a.sy(x_lo)), ImVec2(a.sx(1), a.sy(1)), kDiagonal, 1.2f * a.scale);
  a.dl->PopClipRect();
  plot::draw_legend(a, "reliability", {{"accuracy", kAccuracyBar}, {"gap to mean confidence (thick line)", kGapEdge}});
  const char* xlabel = "confidence (max softmax)";
  const ImVec2 ts = ImGui::CalcTextSize(xlabel);
  a.dl->AddText(ImVec2((a.p0.x + a.p1.x - ts.x) / 2, a.p1.y + ts.y * 1.05f), IM_COL32(200, 200, 205, 255), xlabel);
  if (a.hovered) {
    const double x = a.x_lo + (ImGui::GetIO().MousePos.x - a.p0.x) / (a.p1.x - a.p0.x) * (a.x_hi - a.x_lo);
    for (const ReliabilityBin& b : c.bins)
      if (x >= b.lo && x < b.hi && b.count > 0)
        ImGui::SetTooltip("confidence %.2f-%.2f: %lld samples\naccuracy %.3f, mean confidence %.3f", b.lo, b.hi,
                          static_cast<long long>(b.count), b.accuracy, b.confidence);
  }
  ImGui::PopID();
}

}  // namespace

void CalibrationPanel::draw(LabContext& ctx) {
  const Snapshot& s = *ctx.snap;
  record_tab_region(ctx, "calibration");
  if (!s.eval || s.eval->calibration.n == 0) {
    ImGui::TextDisabled("Waiting for the first evaluation of the test split...");
    return;
  }
  const Calibration& c = s.eval->calibration;
  ImGui::Text("ECE %.4f", c.ece);
  ImGui::SameLine();
  ImGui::TextDisabled("test accuracy %.3f, mean confidence %.3f", c.accuracy, c.mean_confidence);
  if (ImGui::Button("Evaluate now")) ctx.send(cmd::Evaluate{});
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("Calibration and OOD are recomputed every eval_every iterations (%d); this does it now.",
                      s.settings.eval_every);
  ImGui::SameLine();
  ImGui::TextDisabled("%lld test points, step %lld", static_cast<long long>(c.n), static_cast<long long>(s.eval->step));
  ImGui::PushTextWrapPos(0);
  ImGui::TextDisabled("Perfect calibration puts every bar on the diagonal. Red hatching above a bar: the model is more "
                      "confident than it is right (over-confident); inside it: under-confident. ECE is the count-weighted mean gap.");
  ImGui::PopTextWrapPos();

  const float spacing = ImGui::GetStyle().ItemSpacing.y;
  const float rest = ImGui::GetContentRegionAvail().y - spacing;
  reliability_diagram(c, std::max(120.0f, rest * 0.64f));
  plot::HistogramSeries hist{"share of test points", IM_COL32(240, 228, 66, 255), {}};
  // The same confidence span as the diagram above, so the two read as one figure.
  const double x_lo = first_used_confidence(c);
  std::vector<int64_t> counts;
  plot::HistogramOptions ho;
  ho.lo = 1, ho.hi = 1;
  for (const ReliabilityBin& b : c.bins)
    if (b.lo >= x_lo - 1e-9) counts.push_back(b.count), ho.lo = std::min(ho.lo, b.lo);
  hist.density = plot::normalise_counts(counts);
  ho.height = std::max(70.0f, ImGui::GetContentRegionAvail().y - spacing);
  ho.title = "confidence histogram";
  plot::overlaid_histograms("confidence", {hist}, ho);
}

}  // namespace jem::window
