#include "app/sessions/ab_session.h"

#include <thread>

namespace jem::window {

std::string AbSession::start(const Snapshot& a, const std::vector<KnobDiff>& diffs) {
  if (!a.data || !a.data->image_shape.empty()) return "A/B compares 2D energy landscapes: pick a 2D dataset for A first";
  try {
    Settings sa = a.settings;
    if (!b_) a_threads_before_ = sa.threads;
    sa.threads = ab_threads(std::thread::hardware_concurrency());
    const Settings sb = settings_for_b(sa, diffs);  // throws Error naming the bad knob
    b_.reset();                                     // a restart replaces the running B
    holding_a_ = holding_b_ = false;                // A resumes below; the new B runs
    RunnerOptions b_options;
    b_options.watch_evaluations = false;            // no tab shows B's calibration or OOD
    b_ = std::make_unique<Runner>(sb, b_options);   // same seed as A: both start from the same draw
    send_a_(cmd::SetSettings{sa});
    send_a_(cmd::Reset{});
    send_a_(cmd::Resume{});
    forwarded_sends_ = -1;  // B gets A's current view at once (update)
    a_step_seen_ = -1;
    snap_b_ = b_->latest();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "";
}

void AbSession::stop(const Snapshot* a) {
  release_holds();
  b_.reset();
  snap_b_.reset();
  if (a && a->settings.threads != a_threads_before_) send_a_(cmd::SetParam{"threads", KnobValue(a_threads_before_)});
}

void AbSession::update(const Snapshot& a, const std::optional<cmd::SetView>& view, int view_sends) {
  if (!b_) return;
  // A went back to its start (its Reset button, a preset, new data; by the next snapshot it may
  // have trained a few steps): B starts again too, so that they stay comparable. A rewind to a
  // later step has no counterpart in B's run; in step, B then waits for A to catch up.
  if (a.step < a_step_seen_ && a.step <= kSlack && snap_b_ && snap_b_->step > kSlack) {
    b_->send(cmd::Reset{});
    if (holding_b_) b_->send(cmd::Resume{}), holding_b_ = false;
  }
  a_step_seen_ = a.step;
  snap_b_ = b_->latest();
  if (in_step) keep_in_step(a);
  else release_holds();
  // Linked views: every SetView A's landscape sends goes to B too (and A's current one when B
  // starts); B's runner keeps it across its resets, as A's does.
  if (view && view_sends != forwarded_sends_) {
    b_->send(*view);
    forwarded_sends_ = view_sends;
  }
}

void AbSession::keep_in_step(const Snapshot& a) {
  const int64_t ahead = a.step - snap_b_->step;  // > 0: A is ahead
  if (!holding_a_ && ahead > kSlack && a.state == RunState::Running) {
    send_a_(cmd::Pause{});
    holding_a_ = true;
  } else if (holding_a_ && ahead <= 0) {
    send_a_(cmd::Resume{});
    holding_a_ = false;
  }
  if (!holding_b_ && -ahead > kSlack && snap_b_->state == RunState::Running) {
    b_->send(cmd::Pause{});
    holding_b_ = true;
  } else if (holding_b_ && ahead >= 0) {
    b_->send(cmd::Resume{});
    holding_b_ = false;
  }
}

void AbSession::release_holds() {
  if (holding_a_) send_a_(cmd::Resume{});
  if (holding_b_ && b_) b_->send(cmd::Resume{});
  holding_a_ = holding_b_ = false;
}

}  // namespace jem::window
