#include "core/sweep/sweep_runner.h"

#include <exception>

#include "core/sweep/sweep.h"
#include "core/util/run_threads.h"

namespace jem {

const char* sweep_state_name(SweepState s) {
  switch (s) {
    case SweepState::Running: return "running";
    case SweepState::Done: return "done";
    case SweepState::Cancelled: return "cancelled";
    case SweepState::Failed: return "failed";
  }
  return "?";
}

double SweepSnapshot::progress() const {
  const size_t n = n_runs();
  if (n == 0) return state == SweepState::Done ? 1.0 : 0.0;
  if (state == SweepState::Done) return 1.0;
  const int iters = plan->iters > 0 ? plan->iters : 1;
  // Evaluation is counted as the run's last few percent so the bar does not sit at 100%.
  const double current = run_index < n ? (evaluating ? 0.97 : 0.95 * step / iters) : 0.0;
  return (double(rows.size()) + current) / double(n);
}

SweepRunner::SweepRunner(SweepPlan plan, double publish_interval_s) : publish_interval_s_(publish_interval_s) {
  next_.plan = std::make_shared<const SweepPlan>(std::move(plan));
  t0_ = last_publish_ = std::chrono::steady_clock::now();
  latest_ = std::make_shared<const SweepSnapshot>(next_);  // version 0: running, nothing done
  thread_ = std::thread([this] { loop(); });
}

SweepRunner::~SweepRunner() {
  cancel();
  if (thread_.joinable()) thread_.join();
}

void SweepRunner::cancel() { cancel_ = true; }

std::shared_ptr<const SweepSnapshot> SweepRunner::latest() const {
  std::lock_guard<std::mutex> lock(mu_);
  return latest_;
}

std::shared_ptr<const SweepSnapshot> SweepRunner::wait_newer(uint64_t after, double timeout_s) const {
  std::unique_lock<std::mutex> lock(mu_);
  published_.wait_for(lock, std::chrono::duration<double>(timeout_s), [&] { return latest_->version > after; });
  return latest_;
}

void SweepRunner::publish() {
  last_publish_ = std::chrono::steady_clock::now();
  next_.elapsed_s = std::chrono::duration<double>(last_publish_ - t0_).count();
  ++next_.version;
  auto snap = std::make_shared<const SweepSnapshot>(next_);
  {
    std::lock_guard<std::mutex> lock(mu_);
    latest_ = std::move(snap);
  }
  published_.notify_all();
}

void SweepRunner::loop() {
  name_this_thread("jemlab-sweep");
  const SweepPlan& plan = *next_.plan;
  try {
    check_sweep_plan(plan);
    for (size_t run = 0; run < plan.n_runs(); ++run) {
      next_.run_index = run, next_.step = 0, next_.evaluating = false;
      publish();
      // Progress at most publish_interval_s apart: the UI redraws from these, not per iteration.
      auto progress = [&](int done, bool evaluating) {
        if (cancel_) return false;
        next_.step = done, next_.evaluating = evaluating;
        if (evaluating || std::chrono::duration<double>(std::chrono::steady_clock::now() - last_publish_).count() >=
                              publish_interval_s_)
          publish();
        return true;
      };
      std::optional<SweepRow> row = run_sweep_one(plan, plan.value_of_run(run), plan.seed_of_run(run), progress);
      if (row) next_.rows.push_back(std::move(*row));  // a run evaluated when cancel came still counts
      next_.run_index = next_.rows.size(), next_.step = 0, next_.evaluating = false;
      if (!row || cancel_) {
        next_.state = SweepState::Cancelled;
        break;
      }
    }
    if (next_.state == SweepState::Running) next_.state = SweepState::Done;
  } catch (const std::exception& e) {
    next_.state = SweepState::Failed;
    next_.message = e.what();
  }
  next_.evaluating = false;
  publish();
}

}  // namespace jem
