// Image grids (samples, buffer contents, data) as one PNG: tiles in rows of `cols`, each pixel
// scaled up `scale` times, one dark pixel between tiles. Written atomically.
#pragma once
#include <string>

#include "core/jem/views.h"

namespace jem::cli {

void write_image_grid_png(const std::string& path, const ImageGrid& grid, int cols, int scale = 2);

}  // namespace jem::cli
