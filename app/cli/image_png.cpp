#include "app/cli/image_png.h"

// The one implementation of stb_image_write (the window's screenshots use it too): here, so that
// a CLI-only jemlab has it.
#define STB_IMAGE_WRITE_IMPLEMENTATION
#include <stb/stb_image_write.h>

#include <algorithm>
#include <vector>

#include "core/util/atomic_file.h"
#include "core/util/error.h"

namespace jem::cli {

void write_image_grid_png(const std::string& path, const ImageGrid& g, int cols, int scale) {
  if (g.n <= 0) throw Error(path + ": no images to write");
  cols = std::clamp(cols, 1, g.n);
  scale = std::clamp(scale, 1, 16);
  const int rows = (g.n + cols - 1) / cols, gap = 1;
  const int tw = g.width * scale, th = g.height * scale;
  const int W = cols * tw + (cols + 1) * gap, H = rows * th + (rows + 1) * gap;
  std::vector<unsigned char> px(size_t(W) * H * 3, 24);
  for (int i = 0; i < g.n; ++i) {
    const int ox = gap + (i % cols) * (tw + gap), oy = gap + (i / cols) * (th + gap);
    for (int y = 0; y < th; ++y)
      for (int x = 0; x < tw; ++x) {
        const size_t src = ((size_t(i) * g.height + y / scale) * g.width + x / scale) * 3;
        const size_t dst = (size_t(oy + y) * W + ox + x) * 3;
        std::copy_n(&g.rgb[src], 3, &px[dst]);
      }
  }
  std::string bytes;
  auto sink = [](void* ctx, void* data, int size) { static_cast<std::string*>(ctx)->append(static_cast<char*>(data), size); };
  if (!stbi_write_png_to_func(sink, &bytes, W, H, 3, px.data(), W * 3)) throw Error(path + ": PNG encoding failed");
  write_file_atomically(path, bytes);
}

}  // namespace jem::cli
