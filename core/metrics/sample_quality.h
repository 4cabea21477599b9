// How good a set of 2D samples is, without a model: squared MMD against data, the share of each
// mode, and a histogram's KL to a density given per cell. Plain arrays of points (the MMD's sums
// run on the calling thread's OpenMP team).
#pragma once
#include <cstdint>
#include <vector>

#include "core/data/box.h"

namespace jem {

// Points are [n*2] floats, x0 y0 x1 y1 ...
// Median of the pairwise distances of a and b pooled (the median heuristic's bandwidth).
double median_pairwise_distance(const std::vector<float>& a, const std::vector<float>& b);
// Biased (V-statistic) squared MMD with k(u,v) = exp(-|u-v|^2 / (2 h^2)): exactly 0 for
// identical sets, >= 0 always. h <= 0 picks the median heuristic.
double mmd2_gaussian(const std::vector<float>& a, const std::vector<float>& b, double h = 0);

// Share of the points nearest to each centre ([m*2] floats); sums to 1.
std::vector<double> mode_shares(const std::vector<float>& points, const std::vector<float>& centres);

// Counts of the points in each of res x res cells over box (y outer, x inner); points outside
// are dropped and counted in `outside`.
std::vector<double> histogram_2d(const std::vector<float>& points, const Box& box, int res, int64_t* outside = nullptr);

// KL(hist || p) in nats with hist normalised counts and p given as log masses per cell (any
// constant offset: normalised here). Cells with no count add nothing.
double histogram_kl(const std::vector<double>& counts, const std::vector<double>& log_mass);

// The same KL for n points drawn exactly from p (multinomial over the cells, seeded): the value
// a perfect sampler with as many draws scores, the noise floor of histogram_kl.
double exact_sampler_kl(const std::vector<double>& log_mass, int64_t n, uint64_t seed);

}  // namespace jem
