// Small charts rendered straight into an RGB image (no window needed): panels of points per
// category with a line through the means, axis ticks and titles in stb_easy_font. For the
// sweep's PNG; written atomically.
#pragma once
#include <string>
#include <vector>

namespace jem::cli {

struct ChartPanel {
  std::string title;
  std::vector<std::vector<double>> values;  // [category][seed]; NaN values are skipped
};

// Panels in a grid of `cols`, sharing the category labels of the x axis.
void write_chart_png(const std::string& path, const std::string& title, const std::vector<std::string>& categories,
                     const std::vector<ChartPanel>& panels, int cols = 2);

}  // namespace jem::cli
