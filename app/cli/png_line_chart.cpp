#include "app/cli/png_canvas.h"
#include "app/cli/png_chart.h"

namespace jem::cli {
namespace {

// Okabe-Ito colours: told apart with any colour vision.
constexpr Rgb kSeries[] = {{230, 159, 0}, {86, 180, 233}, {0, 158, 115}, {240, 228, 66}, {204, 121, 167}, {213, 94, 0}};

}  // namespace

void write_line_chart_png(const std::string& path, const std::string& title, const std::string& x_label,
                          const std::vector<double>& x, const std::string& y_label,
                          const std::vector<ChartSeries>& series, double y_lo, double y_hi) {
  const int W = 760, H = 490, l = 90, r = W - 190, t = 72, b = H - 70;
  Canvas c(W, H);
  c.text(12, 10, title, kText, 3);
  double x_lo = x.empty() ? 0 : *std::min_element(x.begin(), x.end());
  double x_hi = x.empty() ? 1 : *std::max_element(x.begin(), x.end());
  if (x_hi - x_lo < 1e-12) x_lo -= 0.5, x_hi += 0.5;
  auto sx = [&](double v) { return l + (r - l) * (v - x_lo) / (x_hi - x_lo); };
  auto sy = [&](double v) { return b - (b - t) * (v - y_lo) / (y_hi - y_lo); };
  c.line(l, t, l, b, kAxis);
  c.line(l, b, r, b, kAxis);
  for (int k = 0; k <= 4; ++k) {
    const double v = y_lo + (y_hi - y_lo) * k / 4;
    c.line(l - 4, sy(v), r, sy(v), k == 0 ? kAxis : Rgb{44, 44, 52});
    const std::string s = short_number(v);
    c.text(l - 8 - Canvas::text_width(s), sy(v) - 6, s, kAxis);
  }
  for (double v : x) {
    c.line(sx(v), b, sx(v), b + 4, kAxis);
    const std::string s = short_number(v);
    c.text(sx(v) - Canvas::text_width(s) / 2.0, b + 10, s, kAxis);
  }
  c.text((l + r) / 2.0 - Canvas::text_width(x_label) / 2.0, b + 36, x_label, kText);
  c.text(8, t - 24, y_label, kText);
  for (size_t k = 0; k < series.size(); ++k) {
    const Rgb colour = kSeries[k % std::size(kSeries)];
    const ChartSeries& s = series[k];
    for (size_t i = 0; i < s.y.size() && i < x.size(); ++i) {
      if (!std::isfinite(s.y[i])) continue;
      c.rect(int(sx(x[i])) - 3, int(sy(s.y[i])) - 3, int(sx(x[i])) + 3, int(sy(s.y[i])) + 3, colour);
      if (i > 0 && std::isfinite(s.y[i - 1])) c.line(sx(x[i - 1]), sy(s.y[i - 1]), sx(x[i]), sy(s.y[i]), colour, 2);
    }
    const int ly = t + 10 + int(k) * 26;
    c.rect(r + 20, ly + 2, r + 38, ly + 6, colour);
    c.text(r + 46, ly - 4, s.name, kText);
  }
  c.write_png(path);
}

void write_captioned_grid_png(const std::string& path, const ImageGrid& g, int cols,
                              const std::vector<std::string>& row_titles, const std::vector<std::string>& captions,
                              int scale) {
  if (g.n <= 0) throw Error(path + ": no images to write");
  cols = std::clamp(cols, 1, g.n);
  const int rows = (g.n + cols - 1) / cols, tw = g.width * scale, th = g.height * scale;
  int widest = tw;
  for (const auto& cap : captions) widest = std::max(widest, Canvas::text_width(cap));
  const int cell_w = widest + 12, title_h = 26, caption_h = 22, row_h = title_h + th + caption_h;
  Canvas c(cols * cell_w + 8, rows * row_h + 8);
  for (int i = 0; i < g.n; ++i) {
    const int row = i / cols, col = i % cols;
    const int ox = 8 + col * cell_w, oy = 4 + row * row_h + title_h;
    if (col == 0 && size_t(row) < row_titles.size()) c.text(8, oy - title_h + 4, row_titles[size_t(row)], kText);
    for (int y = 0; y < th; ++y)
      for (int x = 0; x < tw; ++x) {
        const unsigned char* p = &g.rgb[((size_t(i) * g.height + y / scale) * g.width + x / scale) * 3];
        c.rect(ox + x, oy + y, ox + x, oy + y, Rgb{p[0], p[1], p[2]});
      }
    if (size_t(i) < captions.size()) c.text(ox, oy + th + 4, captions[size_t(i)], kAxis);
  }
  c.write_png(path);
}

}  // namespace jem::cli
