// The sweep engine and its thread: rows are published as runs finish, cancel stops it between
// iterations, a bad value fails before anything trains with a message naming the knob.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <functional>

#include "core/sweep/sweep.h"
#include "core/sweep/sweep_runner.h"

using namespace jem;

namespace {

SweepPlan tiny_plan() {
  SweepPlan p;
  p.param = "p_x_weight";
  p.values = {"0", "1"};
  p.seeds = 1;
  p.iters = 8;
  p.base.n_train = 200;
  p.base.n_test = 100;
  p.base.buffer_size = 200;
  p.base.batch_size = 32;
  p.base.width = 16;
  p.base.n_steps = 3;
  p.base.threads = 1;
  return p;
}

std::shared_ptr<const SweepSnapshot> wait_for(const SweepRunner& r, const std::function<bool(const SweepSnapshot&)>& pred,
                                              double timeout_s = 60) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_s);
  auto snap = r.latest();
  while (!pred(*snap) && std::chrono::steady_clock::now() < deadline) snap = r.wait_newer(snap->version, 0.2);
  return snap;
}

}  // namespace

TEST(Sweep, PlanChecksEveryValueNamingTheKnob) {
  SweepPlan p = tiny_plan();
  EXPECT_NO_THROW(check_sweep_plan(p));
  p.values = {"1", "200"};  // p_x_weight's range is [0, 100]
  try {
    check_sweep_plan(p);
    FAIL() << "an out-of-range value passed";
  } catch (const std::exception& e) {
    EXPECT_NE(std::string(e.what()).find("p_x_weight"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("200"), std::string::npos) << e.what();
  }
  p = tiny_plan(), p.param = "no_such_knob";
  EXPECT_THROW(check_sweep_plan(p), std::exception);
  p = tiny_plan(), p.param = "seed";  // set per run by the seed loop
  EXPECT_THROW(check_sweep_plan(p), std::exception);
  EXPECT_EQ(split_sweep_values(" 0, 0.1,,1 "), (std::vector<std::string>{"0", "0.1", "1"}));
}

TEST(Sweep, CsvKeepsTheCliColumns) {
  SweepRow r;
  r.value = "0.1", r.seed = 2, r.accuracy = 0.5, r.ece = 0.25, r.loss = 1.5, r.divergences = 3;
  EXPECT_EQ(sweep_csv("p_x_weight", {r}),
            "param,value,seed,accuracy,ece,auroc_px,test_nll,kl_true,kl_chains,mmd2,probe_kl,final_loss,divergences\n"
            "p_x_weight,0.1,2,0.5,0.25,,,,,,,1.5,3\n");
}

TEST(SweepRunner, PublishesRowsAsRunsFinish) {
  SweepPlan plan = tiny_plan();
  plan.seeds = 2;
  plan.iters = 60;  // runs long enough (~0.1 s each) that a poller sees the sweep between them
  SweepRunner r(plan, 0.0);
  // A snapshot with one row while the sweep still runs: rows arrive one by one, not at the end.
  auto partial = wait_for(r, [](const SweepSnapshot& s) { return !s.rows.empty() || s.finished(); });
  EXPECT_EQ(partial->state, SweepState::Running) << partial->message;
  EXPECT_GE(partial->rows.size(), 1u);
  EXPECT_LT(partial->rows.size(), 4u);
  auto done = wait_for(r, [](const SweepSnapshot& s) { return s.finished(); });
  ASSERT_EQ(done->state, SweepState::Done) << done->message;
  ASSERT_EQ(done->rows.size(), 4u);  // 2 values x 2 seeds
  EXPECT_EQ(done->n_runs(), 4u);
  EXPECT_DOUBLE_EQ(done->progress(), 1.0);
  const char* order[][2] = {{"0", "1"}, {"0", "2"}, {"1", "1"}, {"1", "2"}};
  for (size_t i = 0; i < 4; ++i) {
    const SweepRow& row = done->rows[i];
    EXPECT_EQ(row.value, order[i][0]);
    EXPECT_EQ(std::to_string(row.seed), order[i][1]);
    EXPECT_TRUE(row.accuracy >= 0 && row.accuracy <= 1) << row.accuracy;
    EXPECT_TRUE(std::isfinite(row.ece));
    EXPECT_TRUE(std::isfinite(row.auroc));
    EXPECT_TRUE(std::isfinite(row.nll));  // 2D: the exact NLL by quadrature
  }
  // The same plan run directly (as `jemlab sweep` does) gives the same row: one engine.
  const auto direct = run_sweep_one(plan, 1, 2);
  ASSERT_TRUE(direct.has_value());
  EXPECT_DOUBLE_EQ(direct->accuracy, done->rows[3].accuracy);
  EXPECT_DOUBLE_EQ(direct->loss, done->rows[3].loss);
}

TEST(SweepRunner, CancelStopsPromptly) {
  SweepPlan plan = tiny_plan();
  plan.iters = 100000;  // hours if it were not cancelled
  SweepRunner r(plan, 0.0);
  auto started = wait_for(r, [](const SweepSnapshot& s) { return s.step >= 2 || s.finished(); });
  ASSERT_EQ(started->state, SweepState::Running) << started->message;
  const auto t0 = std::chrono::steady_clock::now();
  r.cancel();
  auto s = wait_for(r, [](const SweepSnapshot& s) { return s.finished(); }, 10);
  const double waited = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_EQ(s->state, SweepState::Cancelled);
  EXPECT_TRUE(s->rows.empty());
  EXPECT_LT(waited, 2.0);  // one iteration of a tiny model, not the rest of the run
}

TEST(SweepRunner, BadValueFailsNamingTheKnob) {
  SweepPlan plan = tiny_plan();
  plan.param = "lr";
  plan.values = {"0.001", "lots"};
  SweepRunner r(plan);
  auto s = wait_for(r, [](const SweepSnapshot& s) { return s.finished(); }, 10);
  ASSERT_EQ(s->state, SweepState::Failed);
  EXPECT_NE(s->message.find("lr"), std::string::npos) << s->message;
  EXPECT_NE(s->message.find("lots"), std::string::npos) << s->message;
  EXPECT_TRUE(s->rows.empty());  // checked before the first run trained
}
