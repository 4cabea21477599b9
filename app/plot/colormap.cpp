#include "app/plot/colormap.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace jem::plot {
namespace {

// Evenly spaced sample stops (hex RGB). Between stops we interpolate linearly in RGB; with nine
// stops the error against the full tables is below what a screen shows.
const std::vector<uint32_t> kViridis = {0x440154, 0x482878, 0x3e4989, 0x31688e, 0x26828e,
                                        0x1f9e89, 0x35b779, 0x6ece58, 0xb5de2b, 0xfde725};
const std::vector<uint32_t> kMagma = {0x000004, 0x180f3d, 0x440f76, 0x721f81, 0x9e2f7f,
                                      0xcd4071, 0xf1605d, 0xfd9668, 0xfeca8d, 0xfcfdbf};
const std::vector<uint32_t> kDiverging = {0x3b4cc0, 0x5977e3, 0x7b9ff9, 0x9ebeff, 0xc0d4f5, 0xdddcdc,
                                          0xf2cbb7, 0xf7ac8e, 0xee8468, 0xd65244, 0xb40426};

ColorLut build(const std::vector<uint32_t>& stops) {
  ColorLut lut{};
  const int n = static_cast<int>(stops.size());
  for (int i = 0; i < 256; ++i) {
    const float pos = i / 255.0f * (n - 1);
    const int a = std::min(static_cast<int>(pos), n - 2);
    const float f = pos - a;
    for (int ch = 0; ch < 3; ++ch) {
      const int shift = 16 - 8 * ch;
      const float va = (stops[a] >> shift) & 0xff, vb = (stops[a + 1] >> shift) & 0xff;
      lut[i * 3 + ch] = static_cast<uint8_t>(std::lround(va + (vb - va) * f));
    }
  }
  return lut;
}

// Okabe & Ito's palette, reordered so that the first two classes contrast most.
const uint32_t kClassRgb[] = {0xe69f00, 0x0072b2, 0x009e73, 0xcc79a7, 0xf0e442,
                              0x56b4e9, 0xd55e00, 0x999999};

}  // namespace

const char* colormap_name(Colormap c) {
  switch (c) {
    case Colormap::Viridis: return "viridis";
    case Colormap::Magma: return "magma";
    case Colormap::Diverging: return "diverging (cool-warm)";
  }
  return "?";
}

const ColorLut& colormap_lut(Colormap c) {
  static const ColorLut viridis = build(kViridis), magma = build(kMagma), diverging = build(kDiverging);
  switch (c) {
    case Colormap::Magma: return magma;
    case Colormap::Diverging: return diverging;
    default: return viridis;
  }
}

uint32_t colormap_color(Colormap c, float t) {
  const ColorLut& lut = colormap_lut(c);
  const int i = std::clamp(static_cast<int>(std::lround(t * 255)), 0, 255);
  return 0xff000000u | (uint32_t(lut[i * 3 + 2]) << 16) | (uint32_t(lut[i * 3 + 1]) << 8) | lut[i * 3];
}

void class_rgb(int k, float rgb[3]) {
  const uint32_t c = kClassRgb[((k % 8) + 8) % 8];
  rgb[0] = ((c >> 16) & 0xff) / 255.0f;
  rgb[1] = ((c >> 8) & 0xff) / 255.0f;
  rgb[2] = (c & 0xff) / 255.0f;
}

uint32_t class_color(int k, uint8_t alpha) {
  const uint32_t c = kClassRgb[((k % 8) + 8) % 8];
  return (uint32_t(alpha) << 24) | ((c & 0xff) << 16) | (c & 0xff00) | ((c >> 16) & 0xff);
}

}  // namespace jem::plot
