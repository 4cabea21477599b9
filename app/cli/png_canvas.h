// An RGB canvas for the CLI's PNG charts: rectangles, lines and stb_easy_font text, written
// atomically. Shared by the sweep's and the attack's charts.
#pragma once
#include <stb/stb_easy_font.h>
#include <stb/stb_image_write.h>  // the implementation is compiled in app/window/screenshot.cpp

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "core/util/atomic_file.h"
#include "core/util/error.h"

namespace jem::cli {

struct Rgb {
  unsigned char r, g, b;
};
constexpr Rgb kBackground{24, 24, 28}, kAxis{120, 120, 130}, kText{215, 215, 220}, kPoint{86, 180, 233},
    kMean{230, 159, 0};

class Canvas {
 public:
  Canvas(int w, int h) : w_(w), h_(h), px_(size_t(w) * h * 3) {
    for (size_t i = 0; i < px_.size(); i += 3) px_[i] = kBackground.r, px_[i + 1] = kBackground.g, px_[i + 2] = kBackground.b;
  }
  void dot(int x, int y, Rgb c) {
    if (x < 0 || y < 0 || x >= w_ || y >= h_) return;
    unsigned char* p = &px_[(size_t(y) * w_ + x) * 3];
    p[0] = c.r, p[1] = c.g, p[2] = c.b;
  }
  void rect(int x0, int y0, int x1, int y1, Rgb c) {
    for (int y = y0; y <= y1; ++y)
      for (int x = x0; x <= x1; ++x) dot(x, y, c);
  }
  void line(double x0, double y0, double x1, double y1, Rgb c, int thick = 1) {
    const int n = std::max(1, int(std::ceil(std::max(std::abs(x1 - x0), std::abs(y1 - y0)))));
    for (int i = 0; i <= n; ++i) {
      const int x = int(std::lround(x0 + (x1 - x0) * i / n)), y = int(std::lround(y0 + (y1 - y0) * i / n));
      rect(x - thick / 2, y - thick / 2, x + (thick - 1) / 2, y + (thick - 1) / 2, c);
    }
  }
  // stb_easy_font draws quads on a 1-pixel design grid: fill each, scaled.
  void text(double x, double y, const std::string& s, Rgb c, int scale = 2) {
    static thread_local char buf[60000];
    const int quads = stb_easy_font_print(0, 0, const_cast<char*>(s.c_str()), nullptr, buf, sizeof buf);
    for (int q = 0; q < quads; ++q) {
      const float* v = reinterpret_cast<const float*>(buf + q * 4 * 16);  // 4 vertices of 16 bytes
      const float qx0 = v[0], qy0 = v[1], qx1 = v[8], qy1 = v[9];  // vertices 0 and 2: opposite corners
      rect(int(x + qx0 * scale), int(y + qy0 * scale), int(x + qx1 * scale) - 1, int(y + qy1 * scale) - 1, c);
    }
  }
  static int text_width(const std::string& s, int scale = 2) {
    return stb_easy_font_width(const_cast<char*>(s.c_str())) * scale;
  }
  const std::vector<unsigned char>& pixels() const { return px_; }
  int width() const { return w_; }
  int height() const { return h_; }
  void write_png(const std::string& path) const {
    std::string bytes;
    auto sink = [](void* ctx, void* data, int size) { static_cast<std::string*>(ctx)->append(static_cast<char*>(data), size); };
    if (!stbi_write_png_to_func(sink, &bytes, w_, h_, 3, px_.data(), w_ * 3)) throw Error(path + ": PNG encoding failed");
    write_file_atomically(path, bytes);
  }

 private:
  int w_, h_;
  std::vector<unsigned char> px_;
};

inline std::string short_number(double v) {
  char b[32];
  std::snprintf(b, sizeof b, "%.3g", v);
  return b;
}

}  // namespace jem::cli
