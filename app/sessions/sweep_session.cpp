#include "app/sessions/sweep_session.h"

namespace jem::window {

std::string SweepSession::start(const SweepRequest& r, const Snapshot& main) {
  SweepPlan plan;
  std::string error;
  if (!make_sweep_plan(r, main.settings, plan, error)) return error;
  // Both would share the cores: the main training waits, and the tab offers to resume it.
  if (main.state == RunState::Running) {
    send_main_(cmd::Pause{});
    paused_main_ = true, main_seen_paused_ = false;
  }
  runner_.reset();  // the previous sweep has finished (Run is disabled while one runs)
  runner_ = std::make_unique<SweepRunner>(std::move(plan));
  snap_ = runner_->latest();
  return "";
}

std::string SweepSession::update(const Snapshot& main) {
  std::string error;
  if (pending_) {
    const SweepRequest r = *pending_;
    pending_.reset();
    error = start(r, main);
  }
  if (runner_) snap_ = runner_->latest();
  // Paused, then running again: the user resumed the main training by hand; nothing to offer.
  if (paused_main_ && main.state == RunState::Paused) main_seen_paused_ = true;
  if (paused_main_ && main_seen_paused_ && main.state != RunState::Paused) paused_main_ = false;
  return error;
}

void SweepSession::resume_main() {
  send_main_(cmd::Resume{});
  paused_main_ = false;
}

}  // namespace jem::window
