#include "core/metrics/histogram.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace jem {

SharedHistograms shared_histograms(const std::vector<std::string>& names,
                                   const std::vector<std::vector<double>>& samples, int n_bins) {
  SharedHistograms h;
  h.names = names;
  h.n_bins = std::max(1, n_bins);
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  for (const auto& s : samples)
    for (double v : s)
      if (std::isfinite(v)) lo = std::min(lo, v), hi = std::max(hi, v);
  if (!(lo <= hi)) lo = 0, hi = 1;
  if (hi == lo) lo -= 0.5, hi += 0.5;
  h.lo = lo;
  h.hi = hi;
  for (const auto& s : samples) {
    std::vector<int64_t> c(h.n_bins, 0);
    for (double v : s) {
      if (!std::isfinite(v)) continue;
      const int b = std::min(static_cast<int>((v - lo) / (hi - lo) * h.n_bins), h.n_bins - 1);
      c[b] += 1;
    }
    h.counts.push_back(std::move(c));
  }
  return h;
}

}  // namespace jem
