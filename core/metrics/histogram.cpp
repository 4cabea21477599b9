#include "core/metrics/histogram.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace jem {
namespace {

// Counts each sample's finite values on [lo, hi] in n_bins bins; values beyond go to the edge bins.
SharedHistograms fill(const std::vector<std::string>& names, const std::vector<std::vector<double>>& samples,
                      int n_bins, double lo, double hi) {
  SharedHistograms h;
  h.names = names;
  h.n_bins = std::max(1, n_bins);
  if (!(lo <= hi)) lo = 0, hi = 1;
  if (hi == lo) lo -= 0.5, hi += 0.5;
  h.lo = lo;
  h.hi = hi;
  for (const auto& s : samples) {
    std::vector<int64_t> c(h.n_bins, 0);
    for (double v : s) {
      if (!std::isfinite(v)) continue;
      const double t = std::floor((v - lo) / (hi - lo) * h.n_bins);
      c[size_t(std::clamp(t, 0.0, double(h.n_bins - 1)))] += 1;
    }
    h.counts.push_back(std::move(c));
  }
  return h;
}

// The finite values, sorted.
std::vector<double> finite_sorted(const std::vector<double>& v) {
  std::vector<double> out;
  for (double x : v)
    if (std::isfinite(x)) out.push_back(x);
  std::sort(out.begin(), out.end());
  return out;
}

// Nearest-rank quantile of sorted, non-empty values.
double quantile(const std::vector<double>& sorted, double q) {
  return sorted[size_t(std::lround(std::clamp(q, 0.0, 1.0) * double(sorted.size() - 1)))];
}

}  // namespace

SharedHistograms shared_histograms(const std::vector<std::string>& names,
                                   const std::vector<std::vector<double>>& samples, int n_bins) {
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  for (const auto& s : samples)
    for (double v : s)
      if (std::isfinite(v)) lo = std::min(lo, v), hi = std::max(hi, v);
  return fill(names, samples, n_bins, lo, hi);
}

SharedHistograms clipped_shared_histograms(const std::vector<std::string>& names,
                                           const std::vector<std::vector<double>>& samples, int n_bins, double q) {
  std::vector<double> pooled;
  for (const auto& s : samples) pooled.insert(pooled.end(), s.begin(), s.end());
  pooled = finite_sorted(pooled);
  if (pooled.empty()) return fill(names, samples, n_bins, 0, 1);
  q = std::clamp(q, 0.0, 0.5);
  return fill(names, samples, n_bins, quantile(pooled, q), quantile(pooled, 1 - q));
}

double symlog(double v) { return std::copysign(std::log10(1 + std::fabs(v)), v); }

bool needs_symlog(const std::vector<std::vector<double>>& samples, double q, double ratio) {
  std::vector<double> pooled;
  double narrowest = std::numeric_limits<double>::infinity();
  for (const auto& s : samples) {
    const std::vector<double> v = finite_sorted(s);
    if (v.empty()) continue;
    const double w = quantile(v, 1 - q) - quantile(v, q);
    if (w > 0) narrowest = std::min(narrowest, w);
    pooled.insert(pooled.end(), v.begin(), v.end());
  }
  if (pooled.empty() || !std::isfinite(narrowest)) return false;
  std::sort(pooled.begin(), pooled.end());
  return quantile(pooled, 1 - q) - quantile(pooled, q) > ratio * narrowest;
}

int64_t IntHistogram::total() const {
  int64_t n = 0;
  for (int64_t c : counts) n += c;
  return n;
}

IntHistogram integer_histogram(const std::vector<int64_t>& values, int64_t lo, int max_bins) {
  IntHistogram h;
  h.lo = lo;
  int64_t top = lo, step = 0;
  for (int64_t v : values)
    if (v >= lo) top = std::max(top, v), step = std::gcd(step, v - lo);
  step = std::max<int64_t>(step, 1);
  const int64_t places = (top - lo) / step + 1, per_bin = (places + std::max(1, max_bins) - 1) / std::max(1, max_bins);
  h.width = per_bin * step;
  h.counts.assign(size_t((places + per_bin - 1) / per_bin), 0);
  for (int64_t v : values) {
    if (v < lo) ++h.below;
    else ++h.counts[size_t((v - lo) / h.width)];
  }
  return h;
}

}  // namespace jem
