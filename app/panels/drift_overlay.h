// The drift field over the landscape: at each cell of a coarse grid an arrow of the SGLD step's
// deterministic part, step * grad_x f(x), beside a circle of its noise std, both on one scale
// (a 1-2-5 factor chosen so the typical arrow fills most of a cell; the legend gives it). A
// student sees at a glance whether a step is drift or noise.
#pragma once
#include <imgui.h>

#include "app/window/view_transform.h"
#include "core/jem/views.h"

namespace jem::window {

constexpr ImU32 kDriftArrowColour = IM_COL32(255, 255, 255, 220);
constexpr ImU32 kNoiseCircleColour = IM_COL32(255, 190, 90, 150);

// The factor arrows and circles are drawn at: a 1-2-5 number near 0.8 cell / the 80th percentile
// arrow (in pixels before scaling). 1 when there is no drift.
float drift_display_scale(const FieldGrid& g, const ViewTransform& t);
// Returns the arrows drawn (those at least a pixel long).
int draw_drift_field(ImDrawList* dl, const ViewTransform& t, const FieldGrid& g, float ui_scale);

}  // namespace jem::window
