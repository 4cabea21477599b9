// The frame every plot shares: reserves the widget, draws the outline, grid and tick labels, and
// maps data to screen. line_plot, the bar charts and the reliability diagram all draw inside one.
#pragma once
#include <imgui.h>

#include <string>
#include <vector>

namespace jem::plot {

struct AxesOptions {
  float height = 150;       // pixels; width fills the available region
  bool log_y = false;       // y values given to sy() are log10 already; tick labels show 10^t
  bool x_ticks = true;      // false for categorical x (the caller labels the categories)
  float bottom_em = 1.25f;  // room under the frame for x labels, in font heights
};

struct Axes {
  ImDrawList* dl = nullptr;
  ImVec2 p0, p1;  // the frame, screen pixels
  double x_lo = 0, x_hi = 1, y_lo = 0, y_hi = 1;
  float scale = 1;  // font size / 13: line widths and paddings follow the UI scale
  bool hovered = false;

  float sx(double x) const { return float(p0.x + (x - x_lo) / (x_hi - x_lo) * (p1.x - p0.x)); }
  float sy(double y) const { return float(p1.y - (y - y_lo) / (y_hi - y_lo) * (p1.y - p0.y)); }
};

// Reserves the plot's rectangle (an InvisibleButton, so hover works) and draws frame and grid.
// Ranges must be non-empty. Call inside ImGui::PushID/PopID of the caller's choosing.
Axes begin_axes(const AxesOptions& opt, double x_lo, double x_hi, double y_lo, double y_hi);
// A frame with "title: no data yet" (or `message`), for plots whose data has not arrived.
void empty_axes(float height, const std::string& message);

struct LegendEntry {
  std::string label;
  unsigned color = 0xffffffff;
};
// Title and legend inside the frame, top-left.
void draw_legend(const Axes& a, const std::string& title, const std::vector<LegendEntry>& entries);

// A legend as its own line in the ImGui layout (shared by several plots drawn below it); its
// entries wrap onto more lines where the region is narrow. Returns the height it took.
float legend_row(const std::vector<LegendEntry>& entries);

// Nice tick positions covering [lo, hi] with about `target` steps (1, 2, 5 x 10^k).
std::vector<double> nice_ticks(double lo, double hi, int target);
std::string format_tick(double v);

// Ranges that stay put while a live series grows inside them, so that a redraw changes only the
// series' new end (a software rasteriser redraws only what changed). The x axis ends at lo plus
// the next 1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6 or 8 x 10^k at or past the span; y's limits snap
// outward to multiples of a nice fifth of the span.
double steady_end(double lo, double hi);
void steady_range(double& lo, double& hi);

}  // namespace jem::plot
