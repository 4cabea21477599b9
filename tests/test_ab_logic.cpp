// The A/B tab's logic without a window: knob differences parsed and checked by the schema, B's
// settings, the thread split, the shared colour range and the energy-difference map.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "app/panels/ab_logic.h"
#include "core/util/error.h"

using namespace jem;
using namespace jem::window;

namespace {

// A hand-made res x res grid over `box` with -E(x) = f(cell index).
template <class F>
FieldGrid grid(int res, Box box, F neg_energy) {
  FieldGrid g;
  g.res = res, g.box = box, g.n_classes = 0;
  for (int i = 0; i < res * res; ++i) g.neg_energy.push_back(neg_energy(i));
  return g;
}

std::string error_of(const std::string& text) {
  try {
    parse_knob_diffs(text);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST(AbLogic, ParsesKnobDifferences) {
  const auto d = parse_knob_diffs(" sgld_lr=3, n_steps = 5 ,proper_langevin=true");
  ASSERT_EQ(d.size(), 3u);
  EXPECT_EQ(d[0].name, "sgld_lr");
  EXPECT_EQ(d[0].value, "3");
  EXPECT_EQ(d[1].name, "n_steps");
  EXPECT_EQ(d[1].value, "5");
  EXPECT_EQ(d[2].value, "true");
  // A later entry for the same knob replaces the earlier one.
  const auto twice = parse_knob_diffs("sgld_lr=3,sgld_lr=0.5");
  ASSERT_EQ(twice.size(), 1u);
  EXPECT_EQ(twice[0].value, "0.5");
}

TEST(AbLogic, BadDifferencesNameTheKnob) {
  // Unknown knob: named, with the schema's suggestion.
  EXPECT_NE(error_of("sgld_lrr=3").find("sgld_lrr"), std::string::npos);
  // Out of range and unparsable values: the knob and its range.
  const std::string range = error_of("n_steps=5,sgld_lr=-1");
  EXPECT_NE(range.find("sgld_lr"), std::string::npos) << range;
  EXPECT_NE(error_of("n_steps=many").find("n_steps"), std::string::npos);
  EXPECT_NE(error_of("sgld_init=sideways").find("sgld_init"), std::string::npos);
  // Not KNOB=VALUE, or nothing at all.
  EXPECT_NE(error_of("sgld_lr").find("KNOB=VALUE"), std::string::npos);
  EXPECT_NE(error_of("=3").find("names no knob"), std::string::npos);
  EXPECT_FALSE(error_of(" , ").empty());
  // Knobs the A/B split owns, and image sets (no 2D landscape to compare).
  EXPECT_NE(error_of("threads=4").find("threads"), std::string::npos);
  EXPECT_NE(error_of("dataset=shapes").find("image set"), std::string::npos);
  EXPECT_EQ(knob_diff_error("dataset", "8gaussians"), "");
  EXPECT_EQ(knob_diff_error("sgld_lr", "3"), "");
}

TEST(AbLogic, SettingsForBAndSummary) {
  Settings a;
  a.threads = 1;
  std::vector<KnobDiff> diffs;
  put_knob_diff(diffs, {"sgld_lr", "3"});
  put_knob_diff(diffs, {"n_steps", "5"});
  put_knob_diff(diffs, {"n_steps", "7"});
  ASSERT_EQ(diffs.size(), 2u);
  const Settings b = settings_for_b(a, diffs);
  EXPECT_DOUBLE_EQ(b.sgld_lr, 3);
  EXPECT_EQ(b.n_steps, 7);
  EXPECT_EQ(b.seed, a.seed);  // same seed: the runs differ only by the knobs
  EXPECT_EQ(ab_summary(a, b), "B: sgld_lr 3 (A 0.1), n_steps 7 (A 20)");
  Settings b2 = a;
  b2.threads = 5;  // set by the split itself, not a difference
  EXPECT_EQ(ab_summary(a, b2), "B: same knobs as A");
  EXPECT_THROW(settings_for_b(a, {{"n_steps", "-3"}}), Error);
}

TEST(AbLogic, ThreadSplit) {
  EXPECT_EQ(ab_threads(0), 1);
  EXPECT_EQ(ab_threads(1), 1);
  EXPECT_EQ(ab_threads(2), 1);  // (2 - 1) / 2 rounds to 0: at least one each
  EXPECT_EQ(ab_threads(5), 2);
  EXPECT_EQ(ab_threads(16), 7);
}

TEST(AbLogic, SharedColourRangeIsTheUnion) {
  ScalarField a, b;
  a.lo = -2, a.hi = 1;
  b.lo = -1, b.hi = 4;
  const ColorRange r = shared_range(a, b);
  EXPECT_FLOAT_EQ(r.lo, -2);
  EXPECT_FLOAT_EQ(r.hi, 4);
  EXPECT_FLOAT_EQ(shared_range(b, a).lo, -2);
  ScalarField flat;
  flat.lo = flat.hi = 3;
  EXPECT_GT(shared_range(flat, flat).hi, shared_range(flat, flat).lo);
}

TEST(AbLogic, EnergyDifferenceOnHandMadeGrids) {
  const Box box{-1, 1, -1, 1};
  // -E_A = i, -E_B = 2i: E_A - E_B = -i + 2i = i.
  const FieldGrid a = grid(4, box, [](int i) { return float(i); });
  const FieldGrid b = grid(4, box, [](int i) { return 2.0f * i; });
  const auto raw = energy_difference(a, b, DiffMode::Raw);
  ASSERT_TRUE(raw);
  ASSERT_EQ(raw->values.size(), 16u);
  for (int i = 0; i < 16; ++i) EXPECT_FLOAT_EQ(raw->values[size_t(i)], float(i)) << i;
  EXPECT_FLOAT_EQ(raw->mean, 7.5f);
  EXPECT_GT(raw->limit, 0);
  EXPECT_LE(raw->limit, 15.0f);  // a high percentile of |difference|, symmetric about 0

  // A constant offset between the energies (a different log Z) vanishes once each is normalised.
  const FieldGrid c = grid(4, box, [](int i) { return std::sin(float(i)); });
  const FieldGrid d = grid(4, box, [](int i) { return std::sin(float(i)) + 5.0f; });
  const auto raw_cd = energy_difference(c, d, DiffMode::Raw);
  ASSERT_TRUE(raw_cd);
  for (float v : raw_cd->values) EXPECT_NEAR(v, 5.0f, 1e-5);
  const auto norm_cd = energy_difference(c, d, DiffMode::Normalised);
  ASSERT_TRUE(norm_cd);
  for (float v : norm_cd->values) EXPECT_NEAR(v, 0.0f, 1e-4);

  // Normalised differences of two densities have both signs (both integrate to 1 on the grid).
  const auto norm_ab = energy_difference(a, b, DiffMode::Normalised);
  ASSERT_TRUE(norm_ab);
  float lo = 1e9f, hi = -1e9f;
  for (float v : norm_ab->values) lo = std::min(lo, v), hi = std::max(hi, v);
  EXPECT_LT(lo, 0);
  EXPECT_GT(hi, 0);
  // And it is (-log p_A) - (-log p_B) cell by cell: the raw difference shifted by log Z_A - log Z_B.
  const double shift = log_partition_on_grid(a) - log_partition_on_grid(b);
  for (int i = 0; i < 16; ++i) EXPECT_NEAR(norm_ab->values[size_t(i)], i + shift, 1e-4);
}

TEST(AbLogic, MismatchedGridsAreRefused) {
  const Box box{-1, 1, -1, 1}, other{-2, 2, -1, 1};
  const auto f = [](int i) { return float(i); };
  const FieldGrid a = grid(4, box, f);
  EXPECT_TRUE(grids_match(a, a));
  EXPECT_FALSE(energy_difference(a, grid(8, box, f), DiffMode::Raw));     // resolution
  EXPECT_FALSE(energy_difference(a, grid(4, other, f), DiffMode::Raw));   // view box
  FieldGrid empty;
  EXPECT_FALSE(energy_difference(empty, empty, DiffMode::Normalised));    // nothing published yet
  FieldGrid short_grid = a;
  short_grid.neg_energy.pop_back();                                       // a torn grid
  EXPECT_FALSE(energy_difference(a, short_grid, DiffMode::Raw));
}
