// A sweep from the window, without ImGui: the SweepRunner on its own thread, the request --sweep
// queues, and the main training paused while it runs (with the offer to resume it). The Sweep
// panel only draws it.
#pragma once
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "app/panels/sweep_logic.h"
#include "core/runner/commands.h"
#include "core/runner/snapshot.h"
#include "core/sweep/sweep_runner.h"

namespace jem::window {

class SweepSession {
 public:
  using SendToMain = std::function<void(Command)>;
  explicit SweepSession(SendToMain send_main) : send_main_(std::move(send_main)) {}

  void request(const SweepRequest& r) { pending_ = r; }  // started at the next update()
  // Starts a sweep from the main run's settings; "" or why not (a bad value, naming the knob).
  std::string start(const SweepRequest& r, const Snapshot& main);
  // Every frame: a requested sweep starts, the running one's newest snapshot, whether the user
  // resumed the main training by hand. Returns a requested sweep's start error, if any.
  std::string update(const Snapshot& main);
  void resume_main();

  bool busy() const { return pending_.has_value() || (snap_ && !snap_->finished()); }
  const std::shared_ptr<const SweepSnapshot>& snapshot() const { return snap_; }
  const std::optional<SweepRequest>& pending() const { return pending_; }
  void cancel() {
    if (runner_) runner_->cancel();
  }
  bool paused_main() const { return paused_main_; }

 private:
  SendToMain send_main_;
  std::unique_ptr<SweepRunner> runner_;
  std::shared_ptr<const SweepSnapshot> snap_;
  std::optional<SweepRequest> pending_;
  bool paused_main_ = false;       // the sweep paused the main training: offer to resume it
  bool main_seen_paused_ = false;  // the Pause has reached the runner (a later Running: resumed by hand)
};

}  // namespace jem::window
