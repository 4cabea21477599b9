#include "app/window/flight_overlay.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

#include "app/plot/colormap.h"
#include "app/plot/line_plot.h"
#include "core/metrics/stability.h"

namespace jem::window {
namespace {

constexpr ImU32 kFaint = IM_COL32(255, 255, 255, 50), kHot = IM_COL32(255, 70, 50, 235);

ImU32 hot_shade(int rank) {  // the wildest chain brightest
  const int a = 235 - 30 * rank;
  return IM_COL32(255, 70 + 25 * rank, 50, a);
}

}  // namespace

void draw_flight_paths(ImDrawList* dl, const ViewTransform& t, const ChainTrace& tr, float sc) {
  if (tr.x.empty() || tr.dim != 2) return;
  auto pos = [&](int step, int c) {
    const size_t i = (size_t(step) * tr.n_chains + c) * 2;
    return t.to_screen(tr.x[i], tr.x[i + 1]);
  };
  auto path = [&](int c, ImU32 col, float thick) {
    for (int s = 0; s < tr.n_steps; ++s) {
      const ImVec2 a = pos(s, c), b = pos(s + 1, c);
      if (std::isfinite(a.x) && std::isfinite(a.y) && std::isfinite(b.x) && std::isfinite(b.y))
        dl->AddLine(a, b, col, thick);
    }
  };
  const std::vector<int> hot = chains_by_peak_drift(tr, kHighlightedChains);
  for (int c = 0; c < tr.n_chains; ++c)
    if (std::find(hot.begin(), hot.end(), c) == hot.end()) path(c, kFaint, 1.0f * sc);
  for (size_t r = 0; r < hot.size(); ++r) {
    path(hot[r], hot_shade(int(r)), 2.5f * sc);
    const ImVec2 start = pos(0, hot[r]);
    dl->AddCircleFilled(start, 4 * sc, kHot);
    char label[8];
    std::snprintf(label, sizeof label, "%zu", r + 1);
    dl->AddText(ImVec2(start.x + 5 * sc, start.y - 14 * sc), IM_COL32(255, 230, 220, 255), label);
  }
}

void draw_flight_traces(const ChainTrace& tr, float height) {
  const std::vector<int> hot = chains_by_peak_drift(tr, kHighlightedChains);
  std::vector<plot::Series> energy, drift;
  for (size_t r = 0; r < hot.size(); ++r) {
    plot::Series e, d;
    e.label = d.label = "chain " + std::to_string(r + 1);
    e.color = d.color = plot::class_color(int(r));
    for (int s = 0; s < tr.n_steps; ++s) {
      const size_t i = size_t(s) * tr.n_chains + hot[r];
      e.x.push_back(float(s)), e.y.push_back(tr.energy[i]);
      d.x.push_back(float(s)), d.y.push_back(tr.drift_norm(s, hot[r]));
    }
    energy.push_back(std::move(e));
    drift.push_back(std::move(d));
  }
  plot::Series noise;
  noise.label = "noise (mean)";
  noise.color = IM_COL32(200, 200, 205, 255);
  for (int s = 0; s < tr.n_steps; ++s) {
    double m = 0;
    for (int c = 0; c < tr.n_chains; ++c) m += tr.noise_norm[size_t(s) * tr.n_chains + c];
    noise.x.push_back(float(s)), noise.y.push_back(float(m / std::max(1, tr.n_chains)));
  }
  drift.push_back(std::move(noise));
  plot::PlotOptions o;
  o.height = height;
  o.title = "E(x) per SGLD step, iteration " + std::to_string(tr.iteration);
  plot::line_plot("flight_energy", energy, o);
  o.log_y = true;
  o.title = "drift |step x grad| vs noise";
  plot::line_plot("flight_drift", drift, o);
}

}  // namespace jem::window
