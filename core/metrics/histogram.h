// Histograms of several samples on one set of bins, so that they overlay (OOD score histograms).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace jem {

struct SharedHistograms {
  double lo = 0, hi = 1;
  int n_bins = 0;
  std::vector<std::string> names;
  std::vector<std::vector<int64_t>> counts;  // [dataset][bin]
  double bin_width() const { return (hi - lo) / n_bins; }
};

// Bins span the finite values of all samples; non-finite values are left out.
SharedHistograms shared_histograms(const std::vector<std::string>& names,
                                   const std::vector<std::vector<double>>& samples, int n_bins);

}  // namespace jem
