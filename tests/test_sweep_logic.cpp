// The Sweep tab's logic: the --sweep option, the checks behind its messages, suggested values,
// and the plot data (per-seed points, per-value means, log x for log-scale knobs).
#include <gtest/gtest.h>

#include <cmath>

#include "app/panels/sweep_logic.h"

using namespace jem;
using namespace jem::window;

TEST(SweepLogic, ParsesTheWindowOption) {
  const SweepRequest r = parse_sweep_option("p_x_weight=0,1 seeds=2 iters=60");
  EXPECT_EQ(r.param, "p_x_weight");
  EXPECT_EQ(r.values, "0,1");
  EXPECT_EQ(r.seeds, 2);
  EXPECT_EQ(r.iters, 60);
  EXPECT_EQ(parse_sweep_option("iters=5 lr=0.001,0.01").param, "lr");
  for (const char* bad : {"", "p_x_weight", "p_x_weight=", "seeds=2", "p_x_weight=1 seeds=0", "p_x_weight=1 iters=x",
                          "p_x_weight=1 lr=0.1"})
    EXPECT_THROW(parse_sweep_option(bad), std::exception) << bad;
}

TEST(SweepLogic, PlanMessagesNameTheKnobAndRange) {
  SweepPlan plan;
  std::string why;
  EXPECT_TRUE(make_sweep_plan({"p_x_weight", "0, 1", 1, 10}, Settings{}, plan, why)) << why;
  EXPECT_EQ(plan.values.size(), 2u);
  EXPECT_EQ(plan.base.record_chains, 0);
  EXPECT_FALSE(make_sweep_plan({"p_x_weight", "1,500", 1, 10}, Settings{}, plan, why));
  EXPECT_NE(why.find("p_x_weight"), std::string::npos) << why;
  EXPECT_NE(why.find("100"), std::string::npos) << why;  // the range's end
  EXPECT_FALSE(make_sweep_plan({"p_x_weight", "1,1.0", 1, 10}, Settings{}, plan, why));
  EXPECT_NE(why.find("twice"), std::string::npos) << why;
  EXPECT_FALSE(make_sweep_plan({"nope", "1", 1, 10}, Settings{}, plan, why));
  EXPECT_NE(why.find("nope"), std::string::npos) << why;
}

TEST(SweepLogic, SuggestedValuesAreValid) {
  for (const ParamSpec& p : schema()) {
    if (!sweepable(p)) continue;
    SweepPlan plan;
    std::string why;
    EXPECT_TRUE(make_sweep_plan({p.name, suggest_sweep_values(p, Settings{}), 1, 10}, Settings{}, plan, why))
        << p.name << ": " << why;
  }
  EXPECT_EQ(suggest_sweep_values(*find_param("lr"), Settings{}), "0.0001,0.001,0.01");
}

TEST(SweepLogic, ChartHasPointsMeansAndLogAxis) {
  SweepPlan plan;
  plan.param = "lr", plan.values = {"0.001", "0.1", "0.01"}, plan.seeds = 2;
  std::vector<SweepRow> rows(3);
  rows[0].value = "0.001", rows[0].seed = 1, rows[0].accuracy = 0.6;
  rows[1].value = "0.001", rows[1].seed = 2, rows[1].accuracy = 0.8;
  rows[2].value = "0.1", rows[2].seed = 1, rows[2].accuracy = 0.9;  // 0.01 not finished yet
  const SweepChart c = build_sweep_chart(plan, rows);
  EXPECT_TRUE(c.log_x);
  EXPECT_FALSE(c.categorical);
  ASSERT_EQ(c.metrics.size(), 4u);
  const SweepMetricPlot& acc = c.metrics[0];
  EXPECT_EQ(acc.points.size(), 3u);
  ASSERT_EQ(acc.means.size(), 2u);
  EXPECT_NEAR(acc.means[0].x, -3, 1e-9);  // log10(0.001), sorted by x
  EXPECT_NEAR(acc.means[0].y, 0.7, 1e-9);
  EXPECT_NEAR(acc.means[1].x, -1, 1e-9);
  EXPECT_LT(c.x_lo, -3);
  EXPECT_GT(c.x_hi, -1);
  EXPECT_LT(acc.y_lo, 0.6);
  EXPECT_GT(acc.y_hi, 0.9);
  EXPECT_TRUE(c.metrics[3].points.empty());  // no NLL in these rows

  plan.param = "p_x_weight", plan.values = {"0", "1"};
  EXPECT_FALSE(build_sweep_chart(plan, {}).log_x);  // linear knob: 0 is a value like any other
  plan.param = "optimizer", plan.values = {"adam", "sgd"};
  const SweepChart cat = build_sweep_chart(plan, {});
  EXPECT_TRUE(cat.categorical);
  ASSERT_EQ(cat.ticks.size(), 2u);
  EXPECT_EQ(cat.ticks[1].label, "sgd");
}
