// An attacked 2D point on the landscape: its eps-ball (a square for L-inf, a circle for L2), the
// PGD path across the decision boundary, then the purification path and the refinement chains
// back, each step a dot in the colour of the class predicted there, and a one-line legend.
#pragma once
#include <imgui.h>

#include "app/window/view_transform.h"
#include "core/eval/robustness.h"

namespace jem::window {

// The colours the window test looks for (ImU32).
constexpr ImU32 kAttackPathColour = IM_COL32(255, 64, 64, 255);
constexpr ImU32 kPurifyPathColour = IM_COL32(64, 255, 160, 255);

void draw_attack_path(ImDrawList* dl, const ViewTransform& t, const AttackPath& a, float ui_scale);

}  // namespace jem::window
