// Metrics against hand-computed cases. No torch.
#include <gtest/gtest.h>

#include <cmath>

#include "core/metrics/auroc.h"
#include "core/metrics/calibration.h"
#include "core/metrics/histogram.h"
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
