#include "app/cli/png_chart.h"

#include "app/cli/png_canvas.h"

namespace jem::cli {
namespace {

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
  c.write_png(path);
}

}  // namespace jem::cli
