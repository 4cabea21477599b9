#include "app/panels/flight_overlay.h"

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

uint32_t with_alpha(uint32_t c, uint8_t a) { return (c & 0x00ffffffu) | (uint32_t(a) << 24); }

}  // namespace

void draw_flight_paths(ImDrawList* dl, const ViewTransform& t, const ChainTrace& tr, float sc, int pick) {
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
  if (pick >= int(hot.size())) pick = -1;
  for (int c = 0; c < tr.n_chains; ++c)
    if (std::find(hot.begin(), hot.end(), c) == hot.end()) path(c, kFaint, 1.0f * sc);
  // The picked chain last, on top; the other numbered ones faint so that its path reads alone.
  for (int r = 0; r < int(hot.size()); ++r)
    if (r != pick) path(hot[size_t(r)], pick < 0 ? hot_shade(r) : with_alpha(hot_shade(r), 60), (pick < 0 ? 2.5f : 1.5f) * sc);
  if (pick >= 0) path(hot[size_t(pick)], IM_COL32(255, 235, 90, 255), 3.5f * sc);
  for (int r = 0; r < int(hot.size()); ++r) {
    const ImVec2 start = pos(0, hot[size_t(r)]);
    const bool dim = pick >= 0 && r != pick;
    dl->AddCircleFilled(start, (r == pick ? 5 : 4) * sc, dim ? with_alpha(kHot, 80) : kHot);
    char label[16];
    std::snprintf(label, sizeof label, "%d", r + 1);
    dl->AddText(ImVec2(start.x + 5 * sc, start.y - 14 * sc), dim ? IM_COL32(255, 230, 220, 90) : IM_COL32(255, 230, 220, 255),
                label);
  }
}

void draw_flight_traces(const char* id, const ChainTrace& tr, const std::string& what, float height, int& pick) {
  ImGui::PushID(id);
  const std::vector<int> hot = chains_by_peak_drift(tr, kHighlightedChains);
  if (pick >= int(hot.size())) pick = -1;
  // The chain buttons, numbered as on the landscape and coloured as in the plots.
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted("Chain:");
  ImGui::SameLine();
  if (ImGui::RadioButton("all", pick < 0)) pick = -1;
  for (int r = 0; r < int(hot.size()); ++r) {
    ImGui::SameLine();
    char label[16];
    std::snprintf(label, sizeof label, "%d", r + 1);
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(plot::class_color(r)));
    if (ImGui::RadioButton(label, pick == r)) pick = pick == r ? -1 : r;
    ImGui::PopStyleColor();
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("Highlight chain %d here and on the landscape (or click its line)", r + 1);
  }

  std::vector<plot::Series> energy, drift;
  std::vector<int> rank_of;  // series index -> rank: the picked chain is drawn last, on top
  for (int r = 0; r < int(hot.size()); ++r)
    if (r != pick) rank_of.push_back(r);
  if (pick >= 0) rank_of.push_back(pick);
  for (int r : rank_of) {
    plot::Series e, d;
    e.label = d.label = std::to_string(r + 1);  // short: five of them share the legend line with the title
    e.color = d.color = pick >= 0 && r != pick ? plot::class_color(r, 45) : plot::class_color(r);
    for (int s = 0; s < tr.n_steps; ++s) {
      const size_t i = size_t(s) * tr.n_chains + hot[size_t(r)];
      e.x.push_back(float(s)), e.y.push_back(tr.energy[i]);
      d.x.push_back(float(s)), d.y.push_back(tr.drift_norm(s, hot[size_t(r)]));
    }
    energy.push_back(std::move(e));
    drift.push_back(std::move(d));
  }
  plot::Series noise;
  noise.label = "noise";
  noise.color = IM_COL32(200, 200, 205, 255);
  for (int s = 0; s < tr.n_steps; ++s) {
    double m = 0;
    for (int c = 0; c < tr.n_chains; ++c) m += tr.noise_norm[size_t(s) * tr.n_chains + c];
    noise.x.push_back(float(s)), noise.y.push_back(float(m / std::max(1, tr.n_chains)));
  }
  drift.push_back(std::move(noise));
  plot::PlotOptions o;
  o.height = height;
  o.title = "E(x) per step, " + what;
  int clicked = plot::line_plot("flight_energy", energy, o);
  o.log_y = true;
  o.title = "drift |lr x grad| vs mean noise";
  const int clicked_drift = plot::line_plot("flight_drift", drift, o);
  if (clicked < 0 && clicked_drift < int(rank_of.size())) clicked = clicked_drift;  // not the noise line
  if (clicked >= 0) pick = rank_of[size_t(clicked)];
  ImGui::PopID();
}

}  // namespace jem::window
