// AbSession with two real runners: B starts from A's settings plus its differences, the two stay
// in step, and a reset of A resets B.
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>

#include "app/sessions/ab_session.h"
#include "tests/session_frames.h"

using namespace jem;
using namespace jem::window;

namespace {

// Drives the session as the window does, frame by frame, until pred holds (or 60 s pass).
std::shared_ptr<const Snapshot> drive(Runner& a, AbSession& ab, const std::function<bool(const Snapshot&)>& pred) {
  return testing_frames::frames_until(a, [&](const Snapshot& s) { ab.update(s, std::nullopt, 0); }, pred, 60);
}

}  // namespace

TEST(AbSession, BStartsFromAsKnobsAndBothStayInStepAcrossAReset) {
  // Iterations of a few milliseconds, so that one snapshot's lag is small beside the drift the
  // holds prevent.
  Settings run = testing_frames::tiny_run();
  run.batch_size = 64, run.width = 64, run.n_steps = 10;
  Runner a(run);
  AbSession ab([&](Command c) { a.send(std::move(c)); });
  auto snap = drive(a, ab, [](const Snapshot& s) { return s.data != nullptr; });
  ASSERT_EQ(ab.start(*snap, parse_knob_diffs("sgld_lr=0.05,n_steps=40")), "");
  ASSERT_TRUE(ab.running());
  EXPECT_EQ(ab.b()->settings.sgld_lr, 0.05);
  EXPECT_EQ(ab.b()->settings.seed, snap->settings.seed);

  // Both train, B about four times slower an iteration (40 SGLD steps against 10), so that without
  // the holds A would be hundreds ahead by step 400. Neither may lead by more than the slack plus
  // what the snapshots lag (they come every 1/30 s): that lag is measured, as the largest advance
  // of either run from one frame to the next, since it follows the machine's speed.
  int64_t worst = 0, lag = 0, last_a = 0, last_b = 0;
  auto watch = [&](const Snapshot& s) {
    if (!ab.b()) return;
    lag = std::max({lag, s.step - last_a, ab.b()->step - last_b});
    last_a = s.step, last_b = ab.b()->step;
    if (s.step > 0) worst = std::max(worst, std::abs(s.step - ab.b()->step));
  };
  snap = drive(a, ab, [&](const Snapshot& s) {
    watch(s);
    return s.step >= 400 && ab.b()->step >= 400;
  });
  ASSERT_GE(snap->step, 400);
  EXPECT_LE(worst, AbSession::kSlack + 2 * lag) << "the runs drifted apart (largest advance in a frame " << lag << ")";

  // A reset of A (its Reset button) resets B too.
  a.send(cmd::Reset{});
  snap = drive(a, ab, [&](const Snapshot& s) { return s.step < 100 && ab.b()->step < 100; });
  EXPECT_LT(snap->step, 100);
  EXPECT_LT(ab.b()->step, 100) << "B kept its old run after A was reset";
  last_a = snap->step, last_b = ab.b()->step;
  snap = drive(a, ab, [&](const Snapshot& s) {
    watch(s);
    return s.step >= 60 && ab.b()->step >= 60;
  });
  EXPECT_LE(std::abs(snap->step - ab.b()->step), AbSession::kSlack + 2 * lag);
  ab.stop(snap.get());
  EXPECT_FALSE(ab.running());
}

TEST(AbSession, ImageDataAndBadDifferencesAreRefusedWithAReason) {
  Runner a(testing_frames::tiny_run());
  AbSession ab([&](Command c) { a.send(std::move(c)); });
  auto snap = a.latest();
  EXPECT_NE(ab.start(*snap, {{"sgld_lr", "-1"}}).find("sgld_lr"), std::string::npos);
  EXPECT_FALSE(ab.running());
}
