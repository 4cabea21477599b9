// Bar charts over the shared Axes frame: grouped bars (one group per category, one bar per series)
// and overlaid histograms on shared bins (outlined steps over a light fill, so overlaps stay visible).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "app/plot/axes.h"

namespace jem::plot {

struct BarSeries {
  std::string label;
  uint32_t color = 0xffffffff;
  std::vector<double> values;  // one per category; NaN draws nothing
};

struct BarOptions {
  float height = 150;
  std::string title;
  double y_max = 1;         // y runs from 0 to y_max (probabilities: 1)
  bool value_labels = true; // print each bar's value above it when there is room
  bool legend = true;       // false when a legend_row above serves several charts
};

void grouped_bars(const char* id, const std::vector<std::string>& categories, const std::vector<BarSeries>& series,
                  const BarOptions& opt);

struct HistogramSeries {
  std::string label;
  uint32_t color = 0xffffffff;
  std::vector<double> density;  // per bin, already normalised by the caller
};

struct HistogramOptions {
  float height = 150;
  std::string title;
  double lo = 0, hi = 1;  // the bins' span on x
};

void overlaid_histograms(const char* id, const std::vector<HistogramSeries>& series, const HistogramOptions& opt);

// Counts -> fraction of the sample per bin (all zeros when the sample is empty).
std::vector<double> normalise_counts(const std::vector<int64_t>& counts);

}  // namespace jem::plot
