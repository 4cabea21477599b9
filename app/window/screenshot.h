// PNG capture of the window (the frame's pixels, stb_image_write), the sidecar JSON
// that tells tests where the panels, chain heads and class centres are on the image, and the
// live --report.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "app/window/lab_context.h"

namespace jem::window {

// Crops to `rect` (in framebuffer pixels) when w > 0. Returns false and says why on stderr on failure.
bool write_png(const std::string& path, int w, int h, const std::vector<uint8_t>& rgba, const PanelRect& crop = {});
void write_sidecar(const std::string& png_path, const LabContext& ctx, float framebuffer_scale);
// --report: the window's state as JSON (run state, view box, launched chain, exports, panel and
// button rectangles in window coordinates) for input tests. Rewritten only when it changed from
// `last` (updated); atomically, so a poller never reads half a file.
void write_report(const std::string& path, const LabContext& ctx, int frame, bool exiting, std::string& last);

}  // namespace jem::window
