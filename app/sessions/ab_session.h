// Run B of an A/B comparison, without a window: B's Runner from A's settings plus knob
// differences (same seed, both from step 0), the split of the cores, keeping the two in step
// (the run ahead waits; a reset of A resets B), and A's view forwarded to B. The A/B panel only
// draws it (unit-tested with two real runners).
#pragma once
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "app/panels/ab_logic.h"
#include "core/runner/runner.h"

namespace jem::window {

class AbSession {
 public:
  using SendToA = std::function<void(Command)>;
  explicit AbSession(SendToA send_a) : send_a_(std::move(send_a)) {}
  ~AbSession() { b_.reset(); }  // joins B's trainer thread

  // Starts B (or restarts both): A gets its share of the cores and a reset. Returns the reason it
  // cannot ("" on success): image data, a bad knob difference.
  std::string start(const Snapshot& a, const std::vector<KnobDiff>& diffs);
  void stop(const Snapshot* a);  // A gets back the cores B had
  // Every frame: B's newest snapshot, the in-step holds, A's reset followed, A's view forwarded.
  void update(const Snapshot& a, const std::optional<cmd::SetView>& view, int view_sends);

  bool running() const { return b_ != nullptr; }
  void send_b(Command c) {  // straight to B (no-op when none runs)
    if (b_) b_->send(std::move(c));
  }
  const std::shared_ptr<const Snapshot>& b() const { return snap_b_; }
  bool in_step = true;
  bool holding_a() const { return holding_a_; }
  bool holding_b() const { return holding_b_; }
  static constexpr int64_t kSlack = 20;  // iterations one run may lead before it waits

 private:
  void keep_in_step(const Snapshot& a);
  void release_holds();

  SendToA send_a_;
  std::unique_ptr<Runner> b_;
  std::shared_ptr<const Snapshot> snap_b_;
  int a_threads_before_ = 0;
  bool holding_a_ = false, holding_b_ = false;  // paused by us (not by the user) to wait
  int forwarded_sends_ = -1;                    // the view_sends last forwarded to B
  int64_t a_step_seen_ = -1;                    // A's step at the last update: a drop to 0 is a reset
};

}  // namespace jem::window
