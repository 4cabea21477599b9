#include "core/metrics/calibration.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace jem {

Calibration calibration(const std::vector<double>& confidence, const std::vector<int>& correct, int n_bins) {
  if (confidence.size() != correct.size()) throw std::invalid_argument("calibration: size mismatch");
  if (n_bins < 1) throw std::invalid_argument("calibration: need at least one bin");
  const double nan = std::numeric_limits<double>::quiet_NaN();
  Calibration c;
  c.n = static_cast<int64_t>(confidence.size());
  std::vector<double> conf_sum(n_bins, 0), hits(n_bins, 0);
  c.bins.resize(n_bins);
  for (size_t i = 0; i < confidence.size(); ++i) {
    const double p = std::clamp(confidence[i], 0.0, 1.0);
    const int b = std::min(static_cast<int>(p * n_bins), n_bins - 1);
    c.bins[b].count += 1;
    conf_sum[b] += p;
    hits[b] += correct[i] ? 1 : 0;
    c.accuracy += correct[i] ? 1 : 0;
    c.mean_confidence += p;
  }
  for (int b = 0; b < n_bins; ++b) {
    ReliabilityBin& r = c.bins[b];
    r.lo = double(b) / n_bins;
    r.hi = double(b + 1) / n_bins;
    r.confidence = r.count ? conf_sum[b] / r.count : nan;
    r.accuracy = r.count ? hits[b] / r.count : nan;
    if (r.count) c.ece += double(r.count) / c.n * std::abs(r.accuracy - r.confidence);
  }
  if (c.n) {
    c.accuracy /= c.n;
    c.mean_confidence /= c.n;
  } else {
    c.accuracy = c.mean_confidence = c.ece = nan;
  }
  return c;
}

}  // namespace jem
