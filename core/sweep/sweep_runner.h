// A sweep on its own thread. The UI starts it, reads immutable snapshots (rows done so far, the
// run in progress) and may cancel it; it never touches a tensor. Torch-free header.
#pragma once
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/sweep/sweep_plan.h"

namespace jem {

enum class SweepState { Running, Done, Cancelled, Failed };
const char* sweep_state_name(SweepState s);  // "running", "done", "cancelled", "failed"

struct SweepSnapshot {
  uint64_t version = 0;  // increases with every publication
  SweepState state = SweepState::Running;
  std::string message;   // Failed: why (names the knob for a bad value); else empty
  std::shared_ptr<const SweepPlan> plan;
  std::vector<SweepRow> rows;  // finished runs, in run order
  size_t run_index = 0;        // the run in progress (rows.size() while running)
  int step = 0;                // its iterations done
  bool evaluating = false;     // its training is done; the evaluation runs
  double elapsed_s = 0;

  size_t n_runs() const { return plan ? plan->n_runs() : 0; }
  // Of the whole sweep, 0..1: finished runs plus the current one's share.
  double progress() const;
  bool finished() const { return state != SweepState::Running; }
};

class SweepRunner {
 public:
  // Starts at once. A bad plan is not thrown: the first snapshot says Failed, with the reason.
  explicit SweepRunner(SweepPlan plan, double publish_interval_s = 1.0 / 20);
  ~SweepRunner();  // cancels and joins (the iteration in flight finishes first)
  SweepRunner(const SweepRunner&) = delete;
  SweepRunner& operator=(const SweepRunner&) = delete;

  void cancel();  // the thread stops after the current iteration; the state becomes Cancelled
  std::shared_ptr<const SweepSnapshot> latest() const;
  // Blocks until a snapshot with version > `after` exists or the timeout passes.
  std::shared_ptr<const SweepSnapshot> wait_newer(uint64_t after, double timeout_s) const;

 private:
  void loop();
  void publish();

  double publish_interval_s_;
  std::atomic<bool> cancel_{false};
  SweepSnapshot next_;  // assembled on the sweep thread
  std::chrono::steady_clock::time_point t0_, last_publish_;

  mutable std::mutex mu_;
  mutable std::condition_variable published_;
  std::shared_ptr<const SweepSnapshot> latest_;
  std::thread thread_;
};

}  // namespace jem
