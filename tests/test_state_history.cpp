// One history of kept states for the divergence guard and the rewind timeline; knobs that reach
// the sampler; a new run that forgets the old one's states.
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <limits>

#include "core/jem/state_history.h"
#include "core/jem/trainer.h"
#include "core/jem/trainer_state.h"
#include "core/params/schema.h"
#include "core/runner/runner.h"

using namespace jem;

namespace {

Settings small(int guard_every) {
  Settings s;
  s.n_train = 600, s.batch_size = 32, s.n_steps = 5, s.buffer_size = 500, s.eval_every = 0, s.threads = 1;
  s.guard_every = guard_every;
  return s;
}

std::vector<at::Tensor> params(Trainer& t) { return t.state().net->parameters(); }

void expect_same_model(Trainer& a, Trainer& b) {
  const auto pa = params(a), pb = params(b);
  ASSERT_EQ(pa.size(), pb.size());
  for (size_t i = 0; i < pa.size(); ++i) EXPECT_TRUE(at::equal(pa[i], pb[i])) << "parameter " << i;
  EXPECT_TRUE(at::equal(a.state().buffer.x(), b.state().buffer.x()));
  EXPECT_EQ(a.iteration(), b.iteration());
}

}  // namespace

TEST(StateHistory, KeepsFindsDropsAndThinsWithinItsBudget) {
  StateHistory h(100);
  h.keep(0, std::string(30, 'a'));
  h.keep(10, std::string(30, 'b'));
  h.keep(20, std::string(30, 'c'));
  EXPECT_EQ(h.steps(), (std::vector<int64_t>{0, 10, 20}));
  EXPECT_EQ(h.at_or_before(15)->step, 10);
  EXPECT_EQ(h.at_or_before(-1), nullptr);
  h.keep(30, std::string(30, 'd'));  // 120 bytes: one state goes, neither the first nor the newest
  EXPECT_EQ(h.bytes(), 90u);
  EXPECT_EQ(h.steps().front(), 0);
  EXPECT_EQ(h.steps().back(), 30);
  h.keep(30, std::string(10, 'e'));  // the same step again replaces it
  EXPECT_EQ(h.newest().state, std::string(10, 'e'));
  h.keep(15, "f");  // keeping an earlier step drops the old future first
  EXPECT_EQ(h.newest().step, 15);
  EXPECT_LT(h.steps().size(), 4u);
  h.drop_after(0);
  EXPECT_EQ(h.steps(), (std::vector<int64_t>{0}));
}

TEST(StateHistory, GuardRollbackAndRewindRestoreTheSameStateFromTheOneHistory) {
  Trainer t(small(10));
  for (int i = 0; i < 25; ++i) t.step();
  EXPECT_EQ(t.kept_steps(), (std::vector<int64_t>{0, 10, 20}));
  // Rewind to 25 goes back to the state kept at 20 ...
  Trainer rewound(small(10));
  rewound.restore(t.serialize(), "copy");
  rewound.state().history = t.state().history;
  ASSERT_EQ(rewound.rewind(25), 20);
  // ... and so does the guard when step 26 goes wrong.
  {
    torch::NoGradGuard ng;
    params(t)[0].view(-1)[0] = std::numeric_limits<float>::quiet_NaN();
  }
  std::optional<GuardEvent> ev;
  t.step(&ev);
  ASSERT_TRUE(ev.has_value());
  EXPECT_EQ(ev->rolled_back_to, 20);
  expect_same_model(t, rewound);
  EXPECT_EQ(t.step().loss, rewound.step().loss);
  EXPECT_EQ(t.kept_steps(), (std::vector<int64_t>{0, 10, 20}));  // nothing kept twice
}

TEST(StateHistory, ADataChangeStartsAFreshHistory) {
  Trainer t(small(10));
  for (int i = 0; i < 30; ++i) t.step();
  ASSERT_EQ(t.kept_steps().size(), 4u);
  Settings next = t.settings();
  next.data_seed += 1;
  ASSERT_TRUE(t.apply(next));  // a new dataset: the run starts again
  EXPECT_EQ(t.kept_steps(), (std::vector<int64_t>{0}));
  EXPECT_EQ(t.state().guard_last_trip, -1);
  EXPECT_EQ(t.rewind(25), 0) << "the old run's states must not be places to go back to";
}

TEST(StateHistory, AKnobChangedThroughTheRunnerReachesTheSamplersStep) {
  Settings s = small(50);
  s.flight_recorder = 1;
  RunnerOptions o;
  o.start_running = false;
  Runner r(s, o);
  r.send(cmd::SetParam{"sgld_lr", KnobValue(0.0375)});
  r.send(cmd::Step{1});
  auto snap = r.latest();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (!(snap->flight && snap->step >= 1) && std::chrono::steady_clock::now() < deadline) {
    r.send(cmd::Publish{});
    snap = r.wait_newer(snap->version, 0.2);
  }
  ASSERT_TRUE(snap->flight) << "no flight record after one step";
  EXPECT_EQ(snap->flight->step_size, 0.0375);  // the step the chains took, from the recorder
  EXPECT_EQ(snap->settings.sgld_lr, 0.0375);
}
