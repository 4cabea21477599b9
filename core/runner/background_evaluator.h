// The periodic evaluations (test accuracy, the exact likelihood, the sample quality) off the
// trainer's thread. At an evaluation iteration the trainer hands over its state as bytes
// (Trainer::serialize) and trains on; a thread of its own restores them into a copy of the run
// and evaluates that copy, so the figures are those of that iteration's model, buffer and knobs.
// The thread runs at idle priority: it gets only a core that nothing else wants, which the
// trainer's serial parts and a window's quiet frames leave idle a fifth of the time on two cores.
// The trainer waits only when the next evaluation is due before the last one has finished.
// Torch-free header.
#pragma once
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "core/jem/views.h"

namespace jem {

class Trainer;

struct EvaluationJob {
  uint64_t lineage = 0;  // the caller's tag: which line of the run's history it belongs to
  std::string state;     // Trainer::serialize() at the evaluation iteration
};

struct EvaluationResult {
  uint64_t lineage = 0;
  StepStats stats;       // the evaluation's fields and its step (Trainer::evaluation)
  std::string error;     // non-empty: the copy of the run could not be made or evaluated
};

class BackgroundEvaluator {
 public:
  // `on_done` runs on the evaluator's thread after each result (a wake-up for the taker).
  explicit BackgroundEvaluator(std::function<void()> on_done = {});
  ~BackgroundEvaluator();  // finishes the evaluation in flight
  BackgroundEvaluator(const BackgroundEvaluator&) = delete;
  BackgroundEvaluator& operator=(const BackgroundEvaluator&) = delete;

  // Queues the job, after waiting for the one before it to finish (the caller sleeping frees
  // a core for it). The thread starts with the first job.
  void submit(EvaluationJob job);
  std::vector<EvaluationResult> take();  // the finished results, oldest first

 private:
  void loop();
  EvaluationResult evaluate(const EvaluationJob& job);

  std::function<void()> on_done_;
  std::unique_ptr<Trainer> copy_;  // the evaluator thread's own
  std::mutex mu_;
  std::condition_variable changed_;
  std::optional<EvaluationJob> queued_;
  bool running_ = false, stop_ = false;
  std::vector<EvaluationResult> done_;
  std::thread thread_;
};

}  // namespace jem
