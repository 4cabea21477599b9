#include "app/panels/drift_overlay.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <vector>

namespace jem::window {
namespace {

float nice_125(float v) {
  if (!(v > 0) || !std::isfinite(v)) return 1;
  const float p = std::pow(10.0f, std::floor(std::log10(v)));
  const float m = v / p;
  return p * (m < 1.5f ? 1 : m < 3.5f ? 2 : m < 7.5f ? 5 : 10);
}

float pixels_per_unit(const ViewTransform& t) { return t.size.y / t.view.height(); }

float cell_pixels(const FieldGrid& g, const ViewTransform& t) {
  return std::min(g.box.width(), g.box.height()) / float(std::max(1, g.drift_res)) * pixels_per_unit(t);
}

}  // namespace

float drift_display_scale(const FieldGrid& g, const ViewTransform& t) {
  const size_t n = g.drift.size() / 2;
  if (n == 0) return 1;
  std::vector<float> len(n);
  for (size_t i = 0; i < n; ++i) len[i] = std::hypot(g.drift[2 * i], g.drift[2 * i + 1]) * pixels_per_unit(t);
  std::nth_element(len.begin(), len.begin() + n * 4 / 5, len.end());
  const float typical = len[n * 4 / 5];
  return typical > 0 ? nice_125(0.8f * cell_pixels(g, t) / typical) : 1;
}

int draw_drift_field(ImDrawList* dl, const ViewTransform& t, const FieldGrid& g, float ui_scale) {
  const int r = g.drift_res;
  if (r <= 0 || g.drift.size() != size_t(r) * r * 2) return 0;
  int arrows = 0;
  const float k = drift_display_scale(g, t), ppu = pixels_per_unit(t), cell = cell_pixels(g, t);
  const float circle = std::min(float(g.noise_std) * k * ppu, cell * 0.5f);
  for (int j = 0; j < r; ++j)
    for (int i = 0; i < r; ++i) {
      const float x = g.box.x0 + (i + 0.5f) * g.box.width() / r, y = g.box.y0 + (j + 0.5f) * g.box.height() / r;
      const size_t c = (size_t(j) * r + i) * 2;
      const ImVec2 a = t.to_screen(x, y);
      const ImVec2 d(g.drift[c] * k * ppu, -g.drift[c + 1] * k * ppu);  // screen y points down
      if (circle >= 1) dl->AddCircle(a, circle, kNoiseCircleColour, 12, 1.0f);
      const float len = std::hypot(d.x, d.y);
      if (len < 1) continue;
      ++arrows;
      const ImVec2 b(a.x + d.x, a.y + d.y), u(d.x / len, d.y / len);
      const float head = std::min(len * 0.4f, 5.0f * ui_scale);
      dl->AddLine(a, b, kDriftArrowColour, 1.2f * ui_scale);
      dl->AddTriangleFilled(b, ImVec2(b.x - u.x * head - u.y * head * 0.5f, b.y - u.y * head + u.x * head * 0.5f),
                            ImVec2(b.x - u.x * head + u.y * head * 0.5f, b.y - u.y * head - u.x * head * 0.5f),
                            kDriftArrowColour);
    }
  // The legend, bottom right: the scale, and what one arrow and one circle stand for.
  char text[160];
  const float noise_px = float(g.noise_std) * k * ppu;
  std::snprintf(text, sizeof text, "arrows: drift %.3g grad f, x%g   circles: noise std %.3g%s", g.drift_step, k,
                g.noise_std, noise_px > cell * 0.5f ? " (clipped to half a cell)" : noise_px < 1 ? " (under a pixel)" : "");
  const ImVec2 size = ImGui::CalcTextSize(text);
  const float em = ImGui::GetFontSize();
  const ImVec2 at(t.p0.x + t.size.x - size.x - em * 0.6f, t.p0.y + t.size.y - em * 1.6f);
  dl->AddRectFilled(ImVec2(at.x - 4, at.y - 2), ImVec2(at.x + size.x + 4, at.y + size.y + 2), IM_COL32(20, 20, 24, 200), 4);
  dl->AddText(at, IM_COL32(235, 235, 240, 255), text);
  return arrows;
}

}  // namespace jem::window
