#include "core/metrics/sample_quality.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>

namespace jem {
namespace {

double sq_dist(const float* u, const float* v) {
  const double dx = double(u[0]) - v[0], dy = double(u[1]) - v[1];
  return dx * dx + dy * dy;
}

// Mean of k over all pairs (i in a, j in b), diagonal included. The rows go in blocks of a fixed
// size over this thread's OpenMP team (the trainer's), summed in block order: the same sum at any
// thread count. For a set with itself (`same`) only the pairs i < j are summed (k is symmetric,
// k(u, u) = 1).
double mean_kernel(const std::vector<float>& a, const std::vector<float>& b, double inv_2h2, bool same) {
  const int64_t na = int64_t(a.size() / 2), nb = int64_t(b.size() / 2), rows_per_block = 64;
  const int64_t blocks = (na + rows_per_block - 1) / rows_per_block;
  std::vector<double> block_sum(size_t(blocks), 0.0);
#pragma omp parallel for schedule(dynamic, 1)
  for (int64_t blk = 0; blk < blocks; ++blk) {
    double sum = 0;
    for (int64_t i = blk * rows_per_block; i < std::min(na, (blk + 1) * rows_per_block); ++i) {
      double row = 0;
      for (int64_t j = same ? i + 1 : 0; j < nb; ++j) row += std::exp(-sq_dist(&a[2 * i], &b[2 * j]) * inv_2h2);
      sum += row;
    }
    block_sum[size_t(blk)] = sum;
  }
  double sum = 0;
  for (double s : block_sum) sum += s;
  if (same) sum = 2 * sum + double(na);
  return sum / (double(na) * double(nb));
}

// The pairs' squared distances by their top 16 bits: non-negative doubles order as their bit
// patterns, so the buckets are consecutive ranges of distance.
int bucket_of(double sq) {
  uint64_t bits;
  std::memcpy(&bits, &sq, sizeof bits);
  return int(bits >> 48);
}

template <class Visit>
void for_each_pair(const std::vector<float>& p, const Visit& visit) {
  const size_t n = p.size() / 2;
  for (size_t i = 0; i < n; ++i)
    for (size_t j = i + 1; j < n; ++j) visit(sq_dist(&p[2 * i], &p[2 * j]));
}

std::vector<double> normalised_mass(const std::vector<double>& log_mass) {
  double m = -std::numeric_limits<double>::infinity();
  for (double v : log_mass) m = std::max(m, v);
  std::vector<double> p(log_mass.size(), 0.0);
  if (!std::isfinite(m)) return p;
  double z = 0;
  for (size_t i = 0; i < p.size(); ++i) z += p[i] = std::exp(log_mass[i] - m);
  for (double& v : p) v /= z;
  return p;
}

}  // namespace

// Exact, without keeping the n (n - 1) / 2 pairs: a first pass counts the squared distances per
// bucket, a second keeps the bucket holding the median, and the median is selected there (sqrt is
// monotone, so it is the root of the median squared distance).
double median_pairwise_distance(const std::vector<float>& a, const std::vector<float>& b) {
  std::vector<float> pooled(a);
  pooled.insert(pooled.end(), b.begin(), b.end());
  const size_t n = pooled.size() / 2;
  if (n < 2) return 1.0;
  const size_t rank = n * (n - 1) / 2 / 2;
  std::vector<size_t> count(size_t(1) << 16, 0);
  for_each_pair(pooled, [&](double sq) { ++count[size_t(bucket_of(sq))]; });
  size_t below = 0;
  int bucket = 0;
  while (below + count[size_t(bucket)] <= rank) below += count[size_t(bucket++)];
  std::vector<double> in_bucket;
  in_bucket.reserve(count[size_t(bucket)]);
  for_each_pair(pooled, [&](double sq) {
    if (bucket_of(sq) == bucket) in_bucket.push_back(sq);
  });
  std::nth_element(in_bucket.begin(), in_bucket.begin() + long(rank - below), in_bucket.end());
  const double median = std::sqrt(in_bucket[rank - below]);
  return median > 0 ? median : 1.0;
}

double mmd2_gaussian(const std::vector<float>& a, const std::vector<float>& b, double h) {
  if (a.size() < 2 || b.size() < 2) return std::numeric_limits<double>::quiet_NaN();
  if (!(h > 0)) h = median_pairwise_distance(a, b);
  const double inv_2h2 = 1.0 / (2 * h * h);
  const double v =
      mean_kernel(a, a, inv_2h2, true) + mean_kernel(b, b, inv_2h2, true) - 2 * mean_kernel(a, b, inv_2h2, false);
  return std::max(v, 0.0);  // >= 0 in exact arithmetic (a squared RKHS norm); rounding only below
}

std::vector<double> mode_shares(const std::vector<float>& points, const std::vector<float>& centres) {
  const size_t m = centres.size() / 2, n = points.size() / 2;
  std::vector<double> share(m, 0.0);
  if (m == 0 || n == 0) return share;
  for (size_t i = 0; i < n; ++i) {
    size_t best = 0;
    double best_d = std::numeric_limits<double>::infinity();
    for (size_t k = 0; k < m; ++k) {
      const double d = sq_dist(&points[2 * i], &centres[2 * k]);
      if (d < best_d) best_d = d, best = k;
    }
    share[best] += 1;
  }
  for (double& s : share) s /= double(n);
  return share;
}

std::vector<double> histogram_2d(const std::vector<float>& points, const Box& box, int res, int64_t* outside) {
  std::vector<double> counts(size_t(res) * res, 0.0);
  int64_t out = 0;
  for (size_t i = 0; i + 1 < points.size(); i += 2) {
    const double u = (points[i] - box.x0) / box.width() * res, v = (points[i + 1] - box.y0) / box.height() * res;
    if (!(u >= 0 && u < res && v >= 0 && v < res)) {
      ++out;
      continue;
    }
    counts[size_t(v) * res + size_t(u)] += 1;
  }
  if (outside) *outside = out;
  return counts;
}

double histogram_kl(const std::vector<double>& counts, const std::vector<double>& log_mass) {
  const std::vector<double> p = normalised_mass(log_mass);
  double n = 0;
  for (double c : counts) n += c;
  if (n <= 0 || counts.size() != p.size()) return std::numeric_limits<double>::quiet_NaN();
  double kl = 0;
  for (size_t i = 0; i < counts.size(); ++i) {
    if (counts[i] <= 0) continue;
    const double q = counts[i] / n;
    kl += q * (std::log(q) - std::log(std::max(p[i], std::numeric_limits<double>::min())));
  }
  return kl;
}

double exact_sampler_kl(const std::vector<double>& log_mass, int64_t n, uint64_t seed) {
  const std::vector<double> p = normalised_mass(log_mass);
  if (n <= 0 || p.empty()) return std::numeric_limits<double>::quiet_NaN();
  std::mt19937_64 gen(seed);
  std::discrete_distribution<size_t> cell(p.begin(), p.end());
  std::vector<double> counts(p.size(), 0.0);
  for (int64_t i = 0; i < n; ++i) counts[cell(gen)] += 1;
  return histogram_kl(counts, log_mass);
}

}  // namespace jem
