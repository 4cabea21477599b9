// The stability tab's histograms: E(x) of replay-buffer samples, test data and fresh noise on
// shared bins (the distributions behind the "buffer energy" indicator's means), and the buffer's
// age since reinit.
#pragma once
#include <imgui.h>

#include "app/window/lab_context.h"

namespace jem::window {

// The colours, shared with tests/window_pixels.cpp's check (keep them in step).
constexpr unsigned kBufferEnergyColor = IM_COL32(230, 159, 0, 255);  // orange
constexpr unsigned kDataEnergyColor = IM_COL32(86, 180, 233, 255);   // sky blue
constexpr unsigned kNoiseEnergyColor = IM_COL32(204, 121, 167, 255); // reddish purple
constexpr unsigned kAgeColor = IM_COL32(0, 158, 115, 255);           // bluish green

// The energy histograms (`height` pixels tall) above the age histogram; their rectangles go to ctx.panel_rects
// ("stability_energy_hist", "stability_age_hist") for the pixel tests.
void draw_stability_histograms(LabContext& ctx, const StabilityView& v, float height);

}  // namespace jem::window
