// A small line-plot module over ImDrawList (Debian has no ImPlot): axes with 1-2-5 ticks, linear
// or log y, legend, hover readout, per-pixel min/max decimation for long histories.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "app/plot/axes.h"  // nice_ticks, format_tick

namespace jem::plot {

struct Series {
  std::string label;
  uint32_t color = 0xffffffff;  // ImU32
  std::vector<float> x, y;      // NaN y values are skipped (sparse series such as test accuracy)
};

struct PlotOptions {
  float height = 150;    // pixels; width fills the available region
  bool log_y = false;    // non-positive values are skipped
  std::string title;
  bool fixed_y = false;  // use y_min..y_max instead of the data's range
  float y_min = 0, y_max = 1;
  float x_min = 0, x_max = -1;  // when x_max > x_min: this x range (align sparse series with dense ones)
  bool legend = true;    // off: the caller draws its own (legend_row), e.g. for many series
  bool steady = false;   // live series: steady_end / steady_range axes (axes.h)
};

// Returns the series clicked this frame (the nearest to the pointer at the step under it, within
// a few pixels), else -1.
int line_plot(const char* id, const std::vector<Series>& series, const PlotOptions& opt);

}  // namespace jem::plot
