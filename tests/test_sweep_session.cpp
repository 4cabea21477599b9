// SweepSession with a real main runner and a real SweepRunner, driven frame by frame as the
// window does: a requested sweep starts at the next update, pauses the main training, finishes
// with one row per value and seed, and the offer to resume goes once the main run is resumed.
#include <gtest/gtest.h>

#include <functional>

#include "app/sessions/sweep_session.h"
#include "core/runner/runner.h"
#include "tests/session_frames.h"

using namespace jem;
using namespace jem::window;

namespace {

// One window frame after another until pred holds (or 90 s pass); returns the main snapshot.
std::shared_ptr<const Snapshot> frames_until(Runner& lab, SweepSession& sweep, std::string& error,
                                             const std::function<bool(const Snapshot&)>& pred) {
  return testing_frames::frames_until(
      lab,
      [&](const Snapshot& s) {
        const std::string e = sweep.update(s);
        if (!e.empty()) error = e;
      },
      pred, 90);
}

}  // namespace

TEST(SweepSession, ARequestPausesTheMainRunAndFinishesWithARowPerRun) {
  Runner lab(testing_frames::tiny_run());
  std::string error;
  SweepSession sweep([&](Command c) { lab.send(std::move(c)); });
  frames_until(lab, sweep, error, [](const Snapshot& s) { return s.state == RunState::Running && s.step > 5; });

  sweep.request(SweepRequest{"sgld_lr", "0.05,0.1", 2, 15});
  EXPECT_TRUE(sweep.busy()) << "a pending request counts as busy (the Run button is disabled)";
  auto snap = frames_until(lab, sweep, error, [&](const Snapshot& s) {
    return sweep.snapshot() && sweep.snapshot()->finished() && s.state == RunState::Paused;
  });
  ASSERT_EQ(error, "");
  ASSERT_TRUE(sweep.snapshot());
  const SweepSnapshot& done = *sweep.snapshot();
  EXPECT_EQ(done.state, SweepState::Done) << done.message;
  ASSERT_EQ(done.rows.size(), 4u) << "2 values x 2 seeds";
  EXPECT_EQ(done.rows[0].value, "0.05");
  EXPECT_EQ(done.rows[3].value, "0.1");
  EXPECT_NE(done.rows[0].seed, done.rows[1].seed) << "each seed is its own run";
  EXPECT_FALSE(sweep.busy());

  // The main run waited while the sweep used the cores, and the session offers to resume it.
  EXPECT_EQ(snap->state, RunState::Paused);
  EXPECT_TRUE(sweep.paused_main());
  const int64_t paused_at = snap->step;
  sweep.resume_main();
  EXPECT_FALSE(sweep.paused_main());
  snap = frames_until(lab, sweep, error, [&](const Snapshot& s) { return s.step > paused_at + 5; });
  EXPECT_GT(snap->step, paused_at + 5) << "the main run did not train again after Resume";
}

TEST(SweepSession, ABadValueIsRefusedByNameAndNothingIsPaused) {
  Runner lab(testing_frames::tiny_run());
  std::string error;
  SweepSession sweep([&](Command c) { lab.send(std::move(c)); });
  frames_until(lab, sweep, error, [](const Snapshot& s) { return s.state == RunState::Running && s.step > 2; });
  sweep.request(SweepRequest{"sgld_lr", "0.1,-3", 1, 10});
  auto snap = frames_until(lab, sweep, error, [&](const Snapshot&) { return !error.empty(); });
  EXPECT_NE(error.find("sgld_lr"), std::string::npos) << error;
  EXPECT_FALSE(sweep.paused_main());
  EXPECT_FALSE(sweep.busy());
  const int64_t step = snap->step;
  snap = frames_until(lab, sweep, error, [&](const Snapshot& s) { return s.step > step + 3; });
  EXPECT_EQ(snap->state, RunState::Running);
}

TEST(SweepSession, TheResumeOfferGoesWhenTheUserResumesByHand) {
  Runner lab(testing_frames::tiny_run());
  std::string error;
  SweepSession sweep([&](Command c) { lab.send(std::move(c)); });
  frames_until(lab, sweep, error, [](const Snapshot& s) { return s.state == RunState::Running; });
  sweep.request(SweepRequest{"lr", "0.001", 1, 400});
  frames_until(lab, sweep, error, [&](const Snapshot& s) { return s.state == RunState::Paused; });
  ASSERT_TRUE(sweep.paused_main());
  lab.send(cmd::Resume{});  // the Play button, not the sweep tab's offer
  frames_until(lab, sweep, error, [&](const Snapshot& s) { return s.state == RunState::Running; });
  EXPECT_FALSE(sweep.paused_main());
  sweep.cancel();
  frames_until(lab, sweep, error, [&](const Snapshot&) { return sweep.snapshot()->finished(); });
  EXPECT_EQ(sweep.snapshot()->state, SweepState::Cancelled);
}
