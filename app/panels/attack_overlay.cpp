#include "app/panels/attack_overlay.h"

#include <cmath>
#include <cstdio>
#include <string>

#include "app/plot/colormap.h"

namespace jem::window {
namespace {

void polyline(ImDrawList* dl, const ViewTransform& t, const std::vector<float>& xy, size_t first, size_t stride,
              size_t count, ImU32 colour, float width) {
  for (size_t k = 1; k < count; ++k) {
    const size_t a = (first + (k - 1) * stride) * 2, b = (first + k * stride) * 2;
    dl->AddLine(t.to_screen(xy[a], xy[a + 1]), t.to_screen(xy[b], xy[b + 1]), colour, width);
  }
}

// Each step a dot of the predicted class's colour, ringed in the path's colour.
void step_dots(ImDrawList* dl, const ViewTransform& t, const std::vector<float>& xy, const std::vector<int>& pred,
               ImU32 ring, float r) {
  for (size_t k = 0; k < pred.size() && 2 * k + 1 < xy.size(); ++k) {
    const ImVec2 p = t.to_screen(xy[2 * k], xy[2 * k + 1]);
    dl->AddCircleFilled(p, r, plot::class_color(pred[k]));
    dl->AddCircle(p, r, ring, 0, 1.0f);
  }
}

void eps_ball(ImDrawList* dl, const ViewTransform& t, const AttackPath& a) {
  const ImVec2 c = t.to_screen(a.x, a.y), corner = t.to_screen(a.x + float(a.eps), a.y + float(a.eps));
  const float rx = corner.x - c.x, ry = c.y - corner.y;
  const ImU32 col = IM_COL32(255, 255, 255, 150);
  if (a.distance == "l2") {
    for (int k = 0; k < 48; ++k) {  // an ellipse: the view's axes may be scaled differently (ImGui 1.86 has no AddEllipse)
      const float th = 2 * 3.14159265f * float(k) / 48;
      dl->PathLineTo(ImVec2(c.x + rx * std::cos(th), c.y + ry * std::sin(th)));
    }
    dl->PathStroke(col, ImDrawFlags_Closed, 1.5f);
  } else {
    dl->AddRect(ImVec2(c.x - rx, c.y - ry), ImVec2(c.x + rx, c.y + ry), col, 0, 0, 1.5f);
  }
}

std::string legend(const AttackPath& a) {
  char b[256];
  const int adv = a.attack_pred.empty() ? -1 : a.attack_pred.back();
  int n = std::snprintf(b, sizeof b, "PGD %s eps %.3g on %s: class %d -> %d", a.distance.c_str(), a.eps,
                        a.attacked.c_str(), a.label, adv);
  if (!a.purify_pred.empty()) n += std::snprintf(b + n, sizeof b - size_t(n), "   purified -> %d", a.purify_pred.back());
  if (a.refined_pred >= 0) std::snprintf(b + n, sizeof b - size_t(n), "   refined -> %d", a.refined_pred);
  return b;
}

}  // namespace

void draw_attack_path(ImDrawList* dl, const ViewTransform& t, const AttackPath& a, float ui_scale) {
  if (a.attack_xy.size() < 2) return;
  const float r = 3.0f * ui_scale, w = 2.0f * ui_scale;
  eps_ball(dl, t, a);
  // The refinement chains first, faint: the paths that matter are drawn over them.
  const size_t chains = size_t(a.refine_chains);
  for (size_t c = 0; c < chains; ++c)
    polyline(dl, t, a.refine_xy, c, chains, size_t(a.refine_steps) + 1, IM_COL32(120, 200, 255, 150), 1.0f * ui_scale);
  const size_t n = a.attack_xy.size() / 2;
  polyline(dl, t, a.attack_xy, 0, 1, n, kAttackPathColour, w);
  if (!a.purify_xy.empty()) polyline(dl, t, a.purify_xy, 0, 1, a.purify_xy.size() / 2, kPurifyPathColour, w);
  step_dots(dl, t, a.attack_xy, a.attack_pred, kAttackPathColour, r);
  step_dots(dl, t, a.purify_xy, a.purify_pred, kPurifyPathColour, r);
  // The clean point: a white ring around its true class's colour.
  const ImVec2 p0 = t.to_screen(a.x, a.y);
  dl->AddCircleFilled(p0, r * 2, plot::class_color(a.label));
  dl->AddCircle(p0, r * 2, IM_COL32(255, 255, 255, 255), 0, w);
  const float em = ImGui::GetFontSize();
  const std::string text = legend(a);
  const ImVec2 at(t.p0.x + em * 0.5f, t.p0.y + t.size.y - em * 3.0f);
  const ImVec2 size = ImGui::CalcTextSize(text.c_str());
  dl->AddRectFilled(ImVec2(at.x - 4, at.y - 2), ImVec2(at.x + size.x + 4, at.y + size.y + 2), IM_COL32(20, 20, 24, 200), 4);
  dl->AddText(at, IM_COL32(235, 235, 240, 255), text.c_str());
}

}  // namespace jem::window
