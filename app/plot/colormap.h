// Perceptual colormaps as 256-entry RGB tables, built from a few published sample stops of each map
// (viridis and magma from matplotlib's definitions, a cool-warm diverging map after Moreland).
#pragma once
#include <array>
#include <cstdint>

namespace jem::plot {

enum class Colormap { Viridis, Magma, Diverging };
constexpr int kColormapCount = 3;
const char* colormap_name(Colormap c);

using ColorLut = std::array<uint8_t, 256 * 3>;
const ColorLut& colormap_lut(Colormap c);

// t in [0,1] -> packed 0xAABBGGRR (ImGui's ImU32 layout), alpha opaque.
uint32_t colormap_color(Colormap c, float t);

// Class colours: a qualitative palette that stays distinguishable under colour-vision deficiency.
uint32_t class_color(int k, uint8_t alpha = 255);
void class_rgb(int k, float rgb[3]);

}  // namespace jem::plot
