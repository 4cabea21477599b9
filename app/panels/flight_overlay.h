// The flight recorder on screen: the recorded iteration's chains over the landscape (the ones
// with the largest steps in red and numbered, the rest faint), and their per-step traces. One of
// the numbered chains can be picked (by rank, 0 = chain 1): it is drawn bright, the others faint.
#pragma once
#include <imgui.h>

#include <string>

#include "app/window/view_transform.h"
#include "core/jem/views.h"

namespace jem::window {

constexpr int kHighlightedChains = 5;

void draw_flight_paths(ImDrawList* dl, const ViewTransform& t, const ChainTrace& trace, float ui_scale, int pick = -1);
// "Chain: all 1 2 3 4 5" buttons, then energy, drift and noise norms per SGLD step of the numbered
// chains (plots in the current window). A click on a button or on a chain's line sets `pick`.
// `what` names the trace in the plot title ("iteration 131", "replay 131").
void draw_flight_traces(const char* id, const ChainTrace& trace, const std::string& what, float height, int& pick);

}  // namespace jem::window
