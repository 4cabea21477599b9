// AbSession with two real runners: B starts from A's settings plus its differences, the two stay
// in step, and a reset of A resets B.
#include <gtest/gtest.h>

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
  Runner a(testing_frames::tiny_run());
  AbSession ab([&](Command c) { a.send(std::move(c)); });
  auto snap = drive(a, ab, [](const Snapshot& s) { return s.data != nullptr; });
  ASSERT_EQ(ab.start(*snap, parse_knob_diffs("sgld_lr=0.05")), "");
  ASSERT_TRUE(ab.running());
  EXPECT_EQ(ab.b()->settings.sgld_lr, 0.05);
  EXPECT_EQ(ab.b()->settings.seed, snap->settings.seed);

  // Both train; neither gets more than the slack (plus what one batch of iterations adds) ahead.
  int64_t worst = 0;
  snap = drive(a, ab, [&](const Snapshot& s) {
    if (ab.b() && s.step > 0) worst = std::max(worst, std::abs(s.step - ab.b()->step));
    return s.step >= 150 && ab.b()->step >= 150;
  });
  ASSERT_GE(snap->step, 150);
  // The holds act between frames, on snapshots a few iterations old: allow for that lag.
  EXPECT_LE(worst, AbSession::kSlack + 100) << "the runs drifted apart";

  // A reset of A (its Reset button) resets B too.
  a.send(cmd::Reset{});
  snap = drive(a, ab, [&](const Snapshot& s) { return s.step < 100 && ab.b()->step < 100; });
  EXPECT_LT(snap->step, 100);
  EXPECT_LT(ab.b()->step, 100) << "B kept its old run after A was reset";
  snap = drive(a, ab, [&](const Snapshot& s) { return s.step >= 60 && ab.b()->step >= 60; });
  EXPECT_LE(std::abs(snap->step - ab.b()->step), AbSession::kSlack + 100);
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
