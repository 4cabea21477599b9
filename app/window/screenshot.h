// PNG capture of the window (glReadPixels of the back buffer, stb_image_write) and the sidecar
// JSON that tells tests where the panels, chain heads and class centres are on the image.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "app/window/lab_context.h"

namespace jem::window {

// The current framebuffer's RGBA pixels, top row first.
std::vector<uint8_t> read_framebuffer(int w, int h);
// Crops to `rect` (in framebuffer pixels) when w > 0. Returns false and says why on stderr on failure.
bool write_png(const std::string& path, int w, int h, const std::vector<uint8_t>& rgba, const PanelRect& crop = {});
void write_sidecar(const std::string& png_path, const LabContext& ctx, float framebuffer_scale);

}  // namespace jem::window
