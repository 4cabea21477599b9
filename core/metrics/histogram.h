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
// The same, but the bins span the pooled finite values from the q-th to the (1-q)-th quantile
// (nearest rank); values beyond go to the edge bins. One wild sample (a diverging chain) then
// does not squeeze all the others into a single bin. q = 0: shared_histograms.
SharedHistograms clipped_shared_histograms(const std::vector<std::string>& names,
                                           const std::vector<std::vector<double>>& samples, int n_bins, double q);

// sign(v) * log10(1 + |v|): a log scale for values of either sign (0 -> 0, 99 -> 2, -9 -> -1).
double symlog(double v);
// Whether one linear axis would squash the samples: the pooled [q, 1-q] range (the bins of
// clipped_shared_histograms) is more than `ratio` times the narrowest sample's own [q, 1-q]
// range (samples with no spread do not count). Then symlog them first.
bool needs_symlog(const std::vector<std::vector<double>>& samples, double q, double ratio);

// Counts of integers (ages in SGLD steps) in bins of a whole width: bin b holds
// [lo + b*width, lo + (b+1)*width). The width is a multiple of the values' common step (ages
// grow n_steps at a time: no empty bins between them), the smallest that needs at most
// max_bins bins to reach the largest value. Values below lo are counted in `below`, not in a bin.
struct IntHistogram {
  int64_t lo = 0, width = 1;
  std::vector<int64_t> counts;
  int64_t below = 0;
  int64_t total() const;  // in the bins
};
IntHistogram integer_histogram(const std::vector<int64_t>& values, int64_t lo, int max_bins);

}  // namespace jem
