// Small charts rendered straight into an RGB image (no window needed): panels of points per
// category with a line through the means, axis ticks and titles in stb_easy_font. For the
// sweep's PNG; written atomically.
#pragma once
#include <string>
#include <vector>

#include "core/jem/views.h"

namespace jem::cli {

struct ChartPanel {
  std::string title;
  std::vector<std::vector<double>> values;  // [category][seed]; NaN values are skipped
};

// Panels in a grid of `cols`, sharing the category labels of the x axis.
void write_chart_png(const std::string& path, const std::string& title, const std::vector<std::string>& categories,
                     const std::vector<ChartPanel>& panels, int cols = 2);

// Lines over shared x values, one per series, with a legend: the attack's accuracy against eps.
struct ChartSeries {
  std::string name;
  std::vector<double> y;  // one per x; NaN breaks the line
};
void write_line_chart_png(const std::string& path, const std::string& title, const std::string& x_label,
                          const std::vector<double>& x, const std::string& y_label,
                          const std::vector<ChartSeries>& series, double y_lo, double y_hi);

// Image tiles in rows, each row titled and each tile captioned underneath (a prediction).
void write_captioned_grid_png(const std::string& path, const ImageGrid& grid, int cols,
                              const std::vector<std::string>& row_titles, const std::vector<std::string>& captions,
                              int scale = 3);

}  // namespace jem::cli
