#include "app/cli/png_chart.h"

#include <stb/stb_easy_font.h>
#include <stb/stb_image_write.h>  // the implementation is compiled in app/window/screenshot.cpp

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "core/util/atomic_file.h"
#include "core/util/error.h"

namespace jem::cli {
namespace {

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
    static char buf[60000];
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

 private:
  int w_, h_;
  std::vector<unsigned char> px_;
};

std::string short_number(double v) {
  char b[32];
  std::snprintf(b, sizeof b, "%.3g", v);
  return b;
}

void draw_panel(Canvas& c, int x, int y, int w, int h, const ChartPanel& p, const std::vector<std::string>& cats) {
  c.text(x + 8, y + 6, p.title, kText);
  const int l = x + 100, r = x + w - 20, t = y + 34, b = y + h - 40;
  double lo = INFINITY, hi = -INFINITY;
  for (const auto& col : p.values)
    for (double v : col)
      if (std::isfinite(v)) lo = std::min(lo, v), hi = std::max(hi, v);
  if (!std::isfinite(lo)) {
    c.text(l + 10, (t + b) / 2, "no finite values", kAxis);
    return;
  }
  if (hi - lo < 1e-9) {  // one value everywhere: a narrow band around it, not +-0.5
    const double d = 0.05 * std::max(1e-3, std::abs(hi));
    lo -= d, hi += d;
  }
  const double pad = 0.08 * (hi - lo);
  lo -= pad, hi += pad;
  const int n = int(cats.size());
  auto sx = [&](int i) { return n == 1 ? (l + r) / 2.0 : l + (r - l) * (i + 0.5) / n; };
  auto sy = [&](double v) { return b - (b - t) * (v - lo) / (hi - lo); };
  c.line(l, t, l, b, kAxis);
  c.line(l, b, r, b, kAxis);
  for (int k = 0; k <= 4; ++k) {
    const double v = lo + (hi - lo) * k / 4;
    c.line(l - 4, sy(v), l, sy(v), kAxis);
    const std::string s = short_number(v);
    c.text(std::max(x + 2, l - 8 - Canvas::text_width(s)), sy(v) - 6, s, kAxis);
  }
  double prev_x = NAN, prev_y = NAN;
  for (int i = 0; i < n; ++i) {
    c.text(sx(i) - Canvas::text_width(cats[size_t(i)]) / 2.0, b + 10, cats[size_t(i)], kAxis);
    double sum = 0;
    int cnt = 0;
    for (double v : p.values[size_t(i)])
      if (std::isfinite(v)) {
        c.rect(int(sx(i)) - 3, int(sy(v)) - 3, int(sx(i)) + 3, int(sy(v)) + 3, kPoint);
        sum += v, ++cnt;
      }
    if (!cnt) continue;
    const double mx = sx(i), my = sy(sum / cnt);
    if (std::isfinite(prev_x)) c.line(prev_x, prev_y, mx, my, kMean, 3);
    c.rect(int(mx) - 5, int(my) - 1, int(mx) + 5, int(my) + 1, kMean);
    prev_x = mx, prev_y = my;
  }
}

}  // namespace

void write_chart_png(const std::string& path, const std::string& title, const std::vector<std::string>& categories,
                     const std::vector<ChartPanel>& panels, int cols) {
  cols = std::max(1, cols);
  const int pw = 560, ph = 320, top = 44;
  const int rows = (int(panels.size()) + cols - 1) / cols;
  Canvas c(cols * pw, top + rows * ph);
  c.text(12, 10, title, kText, 3);
  for (size_t i = 0; i < panels.size(); ++i)
    draw_panel(c, int(i % cols) * pw, top + int(i / cols) * ph, pw, ph, panels[i], categories);
  std::string bytes;
  auto sink = [](void* ctx, void* data, int size) { static_cast<std::string*>(ctx)->append(static_cast<char*>(data), size); };
  const int W = cols * pw, H = top + rows * ph;
  if (!stbi_write_png_to_func(sink, &bytes, W, H, 3, c.pixels().data(), W * 3)) throw Error(path + ": PNG encoding failed");
  write_file_atomically(path, bytes);
}

}  // namespace jem::cli
