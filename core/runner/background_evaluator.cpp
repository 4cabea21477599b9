#include "core/runner/background_evaluator.h"

#include "core/jem/trainer.h"
#include "core/jem/trainer_state.h"
#include "core/util/parallel_blocks.h"
#include "core/util/run_threads.h"

namespace jem {

BackgroundEvaluator::BackgroundEvaluator(std::function<void()> on_done) : on_done_(std::move(on_done)) {}

BackgroundEvaluator::~BackgroundEvaluator() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  changed_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void BackgroundEvaluator::submit(EvaluationJob job) {
  std::unique_lock<std::mutex> lock(mu_);
  changed_.wait(lock, [&] { return !queued_ && !running_; });
  queued_ = std::move(job);
  if (!thread_.joinable()) thread_ = std::thread([this] { loop(); });
  lock.unlock();
  changed_.notify_all();
}

std::vector<EvaluationResult> BackgroundEvaluator::take() {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<EvaluationResult> out;
  out.swap(done_);
  return out;
}

void BackgroundEvaluator::loop() {
  name_this_thread("jemlab-eval");
  run_this_thread_when_idle();
  for (;;) {
    EvaluationJob job;
    {
      std::unique_lock<std::mutex> lock(mu_);
      changed_.wait(lock, [&] { return stop_ || queued_; });
      if (!queued_) return;  // stopping with nothing queued
      job = std::move(*queued_);
      queued_.reset();
      running_ = true;
    }
    EvaluationResult r = evaluate(job);
    {
      std::lock_guard<std::mutex> lock(mu_);
      done_.push_back(std::move(r));
      running_ = false;
    }
    changed_.notify_all();
    if (on_done_) on_done_();
  }
}

EvaluationResult BackgroundEvaluator::evaluate(const EvaluationJob& job) {
  EvaluationResult r;
  r.lineage = job.lineage;
  try {
    const std::string origin = "the run's state for its evaluation";
    // A new copy only for the first job; later ones restore into it (a knob changed since is
    // applied as a resumed run applies it, the data and model rebuilt only when they changed).
    if (!copy_) copy_ = Trainer::deserialize(job.state, origin);
    else copy_->restore(job.state, origin);
    copy_->state().history.clear();  // the copy keeps no timeline of its own
    // One thread: the core the trainer's serial parts leave idle.
    OneOmpThread one_thread;
    r.stats = copy_->evaluation();
  } catch (const std::exception& e) {
    r.error = e.what();
    copy_.reset();
  }
  return r;
}

}  // namespace jem
