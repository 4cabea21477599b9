// The flight recorder on screen: the recorded iteration's chains over the landscape (the ones
// with the largest steps in red and numbered, the rest faint), and their per-step traces.
#pragma once
#include <imgui.h>

#include "app/window/view_transform.h"
#include "core/jem/views.h"

namespace jem::window {

constexpr int kHighlightedChains = 5;

void draw_flight_paths(ImDrawList* dl, const ViewTransform& t, const ChainTrace& trace, float ui_scale);
// Energy, drift and noise norms per SGLD step of the highlighted chains (plots in the current window).
void draw_flight_traces(const ChainTrace& trace, float height);

}  // namespace jem::window
