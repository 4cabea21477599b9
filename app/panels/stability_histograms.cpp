#include "app/panels/stability_histograms.h"

#include <imgui.h>

#include <algorithm>
#include <string>

#include "app/plot/bar_chart.h"
#include "core/metrics/histogram.h"

namespace jem::window {
namespace {

// One plot's rectangle, for the sidecar: where the next item will be, full width, `height` tall.
void note_plot(LabContext& ctx, const char* key, float height) {
  const ImVec2 p = ImGui::GetCursorScreenPos();
  ctx.panel_rects[key] = PanelRect{p.x, p.y, ImGui::GetContentRegionAvail().x, height};
}

void energy_histograms(LabContext& ctx, const StabilityView& v, float height) {
  if (v.data_energies.empty() && v.noise_energies.empty()) {
    plot::empty_axes(height, "E(x): no energies yet");
    return;
  }
  // 1% at each end goes to the edge bins: a few runaway buffer samples would squeeze the rest.
  // After a divergence the groups can be orders of magnitude apart: then a symmetric log axis.
  std::vector<std::vector<double>> e = {v.buffer_energies, v.data_energies, v.noise_energies};
  const bool log_scale = needs_symlog(e, 0.01, 50);
  if (log_scale)
    for (auto& group : e)
      for (double& x : group) x = symlog(x);
  const SharedHistograms h = clipped_shared_histograms({"buffer", "data", "noise"}, e, 40, 0.01);
  std::vector<plot::HistogramSeries> series = {
      {"buffer", kBufferEnergyColor, plot::normalise_counts(h.counts[0])},
      {"data", kDataEnergyColor, plot::normalise_counts(h.counts[1])},
      {"noise", kNoiseEnergyColor, plot::normalise_counts(h.counts[2])},
  };
  plot::HistogramOptions o;
  o.height = height;
  o.title = log_scale ? "E(x), log scale" : "E(x)";
  o.lo = h.lo, o.hi = h.hi;
  note_plot(ctx, "stability_energy_hist", height);
  plot::overlaid_histograms("energy_hist", series, o);
}

void age_histogram(LabContext& ctx, const StabilityView& v, float height) {
  const IntHistogram& a = v.buffer_age;
  if (a.counts.empty() || a.total() == 0) {
    plot::empty_axes(height, "buffer age: empty buffer");
    return;
  }
  plot::HistogramOptions o;
  o.height = height;
  o.title = "buffer age (steps)";
  o.lo = double(a.lo), o.hi = double(a.lo + a.width * int64_t(a.counts.size()));
  note_plot(ctx, "stability_age_hist", height);
  plot::overlaid_histograms("age_hist", {{"share of slots", kAgeColor, plot::normalise_counts(a.counts)}}, o);
}

}  // namespace

void draw_stability_histograms(LabContext& ctx, const StabilityView& v, float height) {
  energy_histograms(ctx, v, height);
  age_histogram(ctx, v, height * 0.7f);
  ImGui::PushTextWrapPos(0);
  ImGui::TextDisabled("%zu samples each. Lower E(x) is likelier. Healthy: the buffer on the data, noise to the "
                      "right; buffer left of the data: spurious low-energy places; right: chains do not reach the "
                      "data. Far-apart groups: x is sign(E) log10(1+|E|). Age: SGLD steps since a slot was reset.",
                      v.data_energies.size());
  ImGui::PopTextWrapPos();
}

}  // namespace jem::window
