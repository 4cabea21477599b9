// Metrics against hand-computed cases. No torch.
#include <gtest/gtest.h>
#include <omp.h>

#include <algorithm>
#include <cmath>
#include <random>

#include "core/metrics/auroc.h"
#include "core/metrics/calibration.h"
#include "core/metrics/histogram.h"
#include "core/metrics/sample_quality.h"
#include "core/metrics/stability.h"

using namespace jem;

TEST(Auroc, PerfectInvertedAndChance) {
  EXPECT_DOUBLE_EQ(auroc({3, 4, 5}, {0, 1, 2}), 1.0);
  EXPECT_DOUBLE_EQ(auroc({0, 1, 2}, {3, 4, 5}), 0.0);
  EXPECT_DOUBLE_EQ(auroc({1, 1}, {1, 1, 1}), 0.5);  // all tied: every pair counts half
}

TEST(Auroc, HandComputedWithTies) {
  // pos {0.9, 0.5, 0.5}, neg {0.5, 0.1}: pairs (pos, neg):
  // 0.9 beats both (2); each 0.5 ties 0.5 (0.5) and beats 0.1 (1) -> 1.5 each.
  // (2 + 1.5 + 1.5) / 6 = 5/6.
  EXPECT_DOUBLE_EQ(auroc({0.9, 0.5, 0.5}, {0.5, 0.1}), 5.0 / 6.0);
  // One interleaving: pos {2, 4}, neg {1, 3}: 2>1, 4>1, 4>3 -> 3/4.
  EXPECT_DOUBLE_EQ(auroc({2, 4}, {1, 3}), 0.75);
  EXPECT_TRUE(std::isnan(auroc({}, {1})));
}

TEST(Calibration, HandComputedEceWithEmptyBins) {
  // 4 bins of width .25. Predictions:
  //   0.30 right, 0.40 wrong        -> bin 1: conf .35, acc .5, |B| 2
  //   0.90 right, 0.80 right, 1.00 wrong -> bin 3: conf .9, acc 2/3, |B| 3
  // bins 0 and 2 are empty. ECE = 2/5 * .15 + 3/5 * |2/3 - .9| = .06 + .14 = .2
  Calibration c = calibration({0.3, 0.4, 0.9, 0.8, 1.0}, {1, 0, 1, 1, 0}, 4);
  ASSERT_EQ(c.bins.size(), 4u);
  EXPECT_EQ(c.bins[0].count, 0);
  EXPECT_TRUE(std::isnan(c.bins[0].accuracy));
  EXPECT_EQ(c.bins[2].count, 0);
  EXPECT_EQ(c.bins[1].count, 2);
  EXPECT_NEAR(c.bins[1].confidence, 0.35, 1e-12);
  EXPECT_NEAR(c.bins[1].accuracy, 0.5, 1e-12);
  EXPECT_EQ(c.bins[3].count, 3);  // confidence 1.0 lands in the last bin
  EXPECT_NEAR(c.bins[3].confidence, 0.9, 1e-12);
  EXPECT_NEAR(c.ece, 0.2, 1e-12);
  EXPECT_NEAR(c.accuracy, 0.6, 1e-12);
  EXPECT_DOUBLE_EQ(c.bins[3].lo, 0.75);
}

TEST(Calibration, PerfectlyCalibratedHasZeroEce) {
  // In a bin of confidence .75, 3 of 4 right.
  Calibration c = calibration({0.75, 0.75, 0.75, 0.75}, {1, 1, 1, 0}, 20);
  EXPECT_NEAR(c.ece, 0.0, 1e-12);
  EXPECT_EQ(c.n, 4);
}

TEST(Histogram, SharedBinsCoverAllSamples) {
  SharedHistograms h = shared_histograms({"a", "b"}, {{0, 1, 2}, {2, 3, 4, NAN}}, 4);
  EXPECT_DOUBLE_EQ(h.lo, 0);
  EXPECT_DOUBLE_EQ(h.hi, 4);
  EXPECT_EQ(h.counts[0], (std::vector<int64_t>{1, 1, 1, 0}));
  EXPECT_EQ(h.counts[1], (std::vector<int64_t>{0, 0, 1, 2}));  // 4 is in the last bin; NaN left out
}

TEST(Histogram, ClippedBinsSpanTheInnerQuantilesAndClampTheRest) {
  // 10 pooled values; q = 0.1: ranks round(0.9) = 1 and round(8.1) = 8, so the bins span [2, 9],
  // 7 bins of width 1. 1 falls below (bin 0), 9 is the top edge and 1000 beyond (both bin 6).
  SharedHistograms h = clipped_shared_histograms({"a", "b"}, {{1, 2, 3, 4, 5}, {6, 7, 8, 9, 1000, INFINITY}}, 7, 0.1);
  EXPECT_DOUBLE_EQ(h.lo, 2);
  EXPECT_DOUBLE_EQ(h.hi, 9);
  EXPECT_EQ(h.counts[0], (std::vector<int64_t>{2, 1, 1, 1, 0, 0, 0}));
  EXPECT_EQ(h.counts[1], (std::vector<int64_t>{0, 0, 0, 0, 1, 1, 3}));  // inf left out
  // q = 0 is the plain shared histogram.
  SharedHistograms p = clipped_shared_histograms({"a", "b"}, {{0, 1, 2}, {2, 3, 4, NAN}}, 4, 0);
  EXPECT_DOUBLE_EQ(p.hi, 4);
  EXPECT_EQ(p.counts[1], (std::vector<int64_t>{0, 0, 1, 2}));
}

TEST(Histogram, SymlogAndWhenToUseIt) {
  EXPECT_DOUBLE_EQ(symlog(0), 0);
  EXPECT_DOUBLE_EQ(symlog(99), 2);
  EXPECT_DOUBLE_EQ(symlog(-9), -1);
  // 0..10 (width 10) beside 0..5000: the pooled range is 500 times the narrower one.
  EXPECT_TRUE(needs_symlog({{0, 5, 10}, {0, 2500, 5000}}, 0, 50));
  EXPECT_FALSE(needs_symlog({{0, 5, 10}, {5, 12, 20}}, 0, 50));  // 20 vs 10
  // q = 0.25 drops each sample's extremes: {0,1,2,3,1e6} spans 1..3, the pool 1..3 too.
  EXPECT_FALSE(needs_symlog({{0, 1, 2, 3, 1e6}}, 0.25, 50));
  EXPECT_FALSE(needs_symlog({{1, 1}, {NAN}}, 0, 50));  // no spread anywhere: nothing to compare
}

TEST(Histogram, IntegerBinsHaveAWholeWidth) {
  // 0..10 in at most 4 bins: 11 values need width 3 -> [0,3) [3,6) [6,9) [9,12).
  IntHistogram h = integer_histogram({0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, 0, 4);
  EXPECT_EQ(h.width, 3);
  EXPECT_EQ(h.counts, (std::vector<int64_t>{3, 3, 3, 2}));
  EXPECT_EQ(h.total(), 11);
  // Ages 20 steps apart (n_steps = 20): 6 places in at most 4 bins -> 2 places (40 steps) a bin,
  // no empty bins between the ages.
  IntHistogram q = integer_histogram({0, 20, 40, 60, 80, 100, 100}, 0, 4);
  EXPECT_EQ(q.width, 40);
  EXPECT_EQ(q.counts, (std::vector<int64_t>{2, 2, 3}));
  // -2 is below lo; the others are 5 apart: room for one place per bin.
  IntHistogram b = integer_histogram({-2, 0, 0, 5}, 0, 10);
  EXPECT_EQ(b.width, 5);
  EXPECT_EQ(b.counts, (std::vector<int64_t>{2, 1}));
  EXPECT_EQ(b.below, 1);
  EXPECT_EQ(b.total(), 3);
  IntHistogram e = integer_histogram({}, 0, 8);
  EXPECT_EQ(e.counts, (std::vector<int64_t>{0}));
  EXPECT_EQ(e.total(), 0);
}

TEST(Stability, CompareReplayIsBitForBit) {
  ChainTrace a;
  a.n_chains = 2, a.n_steps = 1, a.dim = 2;
  a.x = {0, 1, 2, 3, 4, 5, 6, 7};
  a.energy = {1.5f, NAN};  // a diverged chain: NaN must compare equal to itself
  a.grad_norm = {2, INFINITY};
  a.noise_norm = {0.25f, 0.25f};
  ReplayCheck same = compare_replay(a, a);
  EXPECT_TRUE(same.identical());
  EXPECT_EQ(same.max_abs_diff, 0);
  EXPECT_EQ(same.n_chains, 2);
  EXPECT_EQ(same.n_steps, 1);
  ChainTrace b = a;
  b.energy[0] = 2.0f;
  ReplayCheck off = compare_replay(a, b);
  EXPECT_FALSE(off.identical());
  EXPECT_FALSE(off.energies);
  EXPECT_TRUE(off.positions && off.grad_norms && off.noise_norms);
  EXPECT_DOUBLE_EQ(off.max_abs_diff, 0.5);
  b = a;
  b.x[0] = -0.0f;  // a.x[0] is +0: equal as numbers, not as bits
  ReplayCheck zero = compare_replay(a, b);
  EXPECT_FALSE(zero.positions);
  EXPECT_EQ(zero.max_abs_diff, 0);
  b = a;
  b.n_steps = 2;
  EXPECT_FALSE(compare_replay(a, b).positions);
  EXPECT_TRUE(std::isinf(compare_replay(a, b).max_abs_diff));
}

TEST(Stability, SlopeAndAutocorrelationByHand) {
  EXPECT_DOUBLE_EQ(slope({0, 1, 2, 3}, {1, 3, 5, 7}), 2.0);
  EXPECT_DOUBLE_EQ(slope({0, 1, NAN, 3}, {1, 3, 100, 7}), 2.0);  // the NaN point is left out
  EXPECT_TRUE(std::isnan(slope({1}, {1})));
  // 1,-1,1,-1: mean 0, sum of squares 4; lag-1 products sum to -3, lag-2 to 2.
  EXPECT_DOUBLE_EQ(autocorrelation({1, -1, 1, -1}, 1), -0.75);
  EXPECT_DOUBLE_EQ(autocorrelation({1, -1, 1, -1}, 2), 0.5);
  EXPECT_TRUE(std::isnan(autocorrelation({2, 2, 2, 2}, 1)));  // constant: undefined
}

TEST(Stability, IndicatorsWarnOnTheirThresholds) {
  StabilityInputs in;
  for (int i = 0; i < 10; ++i) in.steps.push_back(i), in.gaps.push_back(0.05 * i);  // gap grows 0.05/step
  in.mean_drift = 50, in.mean_noise = 1;        // drift/noise 50: above 10
  in.outside_box = 0.3;                          // above 0.25
  in.data_energy = -2, in.noise_energy = 3, in.buffer_energy = -5;  // (−2 + 5) / 5 = 0.6
  in.slot_agreement = {0.9, 0.4};                // worst 0.4: below 0.5
  in.chain_energies = {{1, -1, 1, -1, 1, -1}};   // lag-1 autocorrelation negative: mixing
  auto v = stability_indicators(in);
  ASSERT_EQ(v.size(), 6u);
  EXPECT_NEAR(v[0].value, 0.05, 1e-12);
  EXPECT_EQ(v[0].level, Level::Alarm);
  EXPECT_DOUBLE_EQ(v[1].value, 50.0);
  EXPECT_EQ(v[1].level, Level::Warn);
  EXPECT_EQ(v[2].level, Level::Alarm);
  EXPECT_NEAR(v[3].value, 0.6, 1e-12);
  EXPECT_EQ(v[3].level, Level::Warn);
  EXPECT_NE(v[3].explanation.find("lower energy"), std::string::npos) << v[3].explanation;
  EXPECT_EQ(v[4].level, Level::Warn);
  EXPECT_EQ(v[5].level, Level::Ok);
  // A healthy run: everything ok, or unknown where there is nothing to measure.
  StabilityInputs calm;
  for (int i = 0; i < 10; ++i) calm.steps.push_back(i), calm.gaps.push_back(0.01);
  calm.mean_drift = 1, calm.mean_noise = 1;
  calm.data_energy = -2, calm.noise_energy = 3, calm.buffer_energy = -2.1;
  for (const auto& ind : stability_indicators(calm)) EXPECT_NE(ind.level, Level::Alarm) << ind.name;
  for (const auto& ind : stability_indicators(calm)) EXPECT_NE(ind.level, Level::Warn) << ind.name;
}

TEST(Stability, ChainsByPeakDriftPutsTheWildestFirst) {
  ChainTrace tr;
  tr.n_steps = 2, tr.n_chains = 3, tr.step_size = 0.5;
  tr.grad_norm = {1, 10, 2,  // step 0: chains 0, 1, 2
                  4, 1, NAN};  // step 1: chain 2 blew up
  EXPECT_EQ(chains_by_peak_drift(tr, 3), (std::vector<int>{2, 1, 0}));
  EXPECT_FLOAT_EQ(tr.drift_norm(0, 1), 5.0f);
  EXPECT_EQ(chains_by_peak_drift(tr, 1), (std::vector<int>{2}));
}

// Sample quality: MMD, mode shares, histogram KL (hand-computed cases).

TEST(SampleQuality, MmdIsZeroForIdenticalSetsAndMatchesAHandComputation) {
  const std::vector<float> a{0, 0, 0, 1, 3, 2, -1, 0.5f};
  EXPECT_NEAR(jem::mmd2_gaussian(a, a), 0.0, 1e-12);
  // One point each, h = 1: k(a,a) = k(b,b) = 1, k(a,b) = exp(-1/2).
  EXPECT_NEAR(jem::mmd2_gaussian({0, 0}, {1, 0}, 1.0), 2 - 2 * std::exp(-0.5), 1e-12);
  // a = {(0,0), (0,1)}, b = {(2,0)}, h = 1:
  // mean k(a,a) = (2 + 2 e^{-1/2}) / 4, k(b,b) = 1, mean k(a,b) = (e^{-2} + e^{-5/2}) / 2.
  const double want = (2 + 2 * std::exp(-0.5)) / 4 + 1 - (std::exp(-2.0) + std::exp(-2.5));
  EXPECT_NEAR(jem::mmd2_gaussian({0, 0, 0, 1}, {2, 0}, 1.0), want, 1e-12);
  // The median heuristic: pooled distances 1, 2 and sqrt(5) -> 2.
  EXPECT_DOUBLE_EQ(jem::median_pairwise_distance({0, 0, 0, 1}, {2, 0}), 2.0);
  EXPECT_NEAR(jem::mmd2_gaussian({0, 0, 0, 1}, {2, 0}), jem::mmd2_gaussian({0, 0, 0, 1}, {2, 0}, 2.0), 1e-15);
}

// The fast median (two bucketed passes) and the threaded, symmetric kernel sums against the
// definitions written out, on clustered points with exact duplicates (ties at the median).
TEST(SampleQuality, MedianAndMmdMatchTheirDefinitionsAtAnyThreadCount) {
  std::mt19937 gen(7);
  std::normal_distribution<float> normal;
  std::vector<float> a, b;
  for (int i = 0; i < 300; ++i) a.push_back(normal(gen)), a.push_back(0.1f * normal(gen));
  for (int i = 0; i < 211; ++i) b.push_back(3 + 2 * normal(gen)), b.push_back(normal(gen));
  a.insert(a.end(), a.begin(), a.begin() + 40);  // 20 points twice: distance 0 pairs
  std::vector<float> pooled(a);
  pooled.insert(pooled.end(), b.begin(), b.end());
  std::vector<double> d;
  auto dist = [](const std::vector<float>& p, size_t i, const std::vector<float>& q, size_t j) {
    const double dx = double(p[2 * i]) - q[2 * j], dy = double(p[2 * i + 1]) - q[2 * j + 1];
    return std::sqrt(dx * dx + dy * dy);
  };
  for (size_t i = 0; i < pooled.size() / 2; ++i)
    for (size_t j = i + 1; j < pooled.size() / 2; ++j) d.push_back(dist(pooled, i, pooled, j));
  std::sort(d.begin(), d.end());
  const double h = d[d.size() / 2];
  auto mean_k = [&](const std::vector<float>& p, const std::vector<float>& q) {
    double s = 0;
    for (size_t i = 0; i < p.size() / 2; ++i)
      for (size_t j = 0; j < q.size() / 2; ++j) s += std::exp(-std::pow(dist(p, i, q, j), 2) / (2 * h * h));
    return s / double(p.size() / 2) / double(q.size() / 2);
  };
  const double want = mean_k(a, a) + mean_k(b, b) - 2 * mean_k(a, b);
  const int threads = omp_get_max_threads();
  std::vector<double> got;
  for (int n : {1, 2, 3}) {
    omp_set_num_threads(n);
    EXPECT_EQ(jem::median_pairwise_distance(a, b), h) << n << " threads";
    got.push_back(jem::mmd2_gaussian(a, b));
  }
  omp_set_num_threads(threads);
  EXPECT_NEAR(got[0], want, 1e-12 * want);
  EXPECT_EQ(got[1], got[0]);
  EXPECT_EQ(got[2], got[0]);
}

TEST(SampleQuality, ModeSharesCountTheNearestCentre) {
  const std::vector<float> centres{1, 0, -1, 0};
  const std::vector<double> s = jem::mode_shares({0.9f, 0.1f, 1.2f, -0.3f, -0.7f, 0, 5, 5}, centres);
  ASSERT_EQ(s.size(), 2u);
  EXPECT_DOUBLE_EQ(s[0], 0.75);  // (5, 5) is nearer (1, 0)
  EXPECT_DOUBLE_EQ(s[1], 0.25);
}

TEST(SampleQuality, HistogramKlAgainstCellMassesByHand) {
  const jem::Box box{0, 2, 0, 2};
  // 2 x 2 cells, y outer: points in cells 0, 0, 1, 3 and one outside.
  int64_t outside = 0;
  const std::vector<double> c =
      jem::histogram_2d({0.5f, 0.5f, 0.2f, 0.9f, 1.5f, 0.5f, 1.5f, 1.5f, 3.0f, 0.0f}, box, 2, &outside);
  EXPECT_EQ(c, (std::vector<double>{2, 1, 0, 1}));
  EXPECT_EQ(outside, 1);
  // p uniform over the 4 cells (any log offset): KL = sum q log(q / (1/4)), q = (1/2, 1/4, 0, 1/4).
  const std::vector<double> uniform{7, 7, 7, 7};
  EXPECT_NEAR(jem::histogram_kl(c, uniform), 0.5 * std::log(2.0), 1e-12);
  EXPECT_NEAR(jem::histogram_kl({1, 2, 0, 1}, {std::log(1.0), std::log(2.0), std::log(0.5), std::log(0.5)}),
              0.25 * std::log(0.25 / 0.25) + 0.5 * std::log(0.5 / 0.5) + 0.25 * std::log(0.25 / 0.125), 1e-12);
  // An exact sampler's KL shrinks with the number of draws (about (cells - 1) / 2n).
  const double small = jem::exact_sampler_kl(uniform, 100000, 1), large = jem::exact_sampler_kl(uniform, 100, 1);
  EXPECT_LT(small, 1e-3);
  EXPECT_GT(large, small);
}
