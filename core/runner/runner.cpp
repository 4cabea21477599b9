#include "core/runner/runner.h"

#include <ATen/Parallel.h>
#include <c10/util/Exception.h>

#include <filesystem>
#include <thread>

#include "core/control/control.h"
#include "core/eval/evaluate.h"
#include "core/io/checkpoint.h"
#include "core/jem/trainer.h"
#include "core/params/schema.h"
#include "core/util/error.h"
#include "core/util/run_threads.h"

namespace jem {

using Clock = std::chrono::steady_clock;

const char* run_state_name(RunState s) {
  switch (s) {
    case RunState::Running: return "running";
    case RunState::Paused: return "paused";
    case RunState::Diverged: return "diverged";
    case RunState::Failed: return "failed";
  }
  return "?";
}

Runner::Runner(const Settings& s, RunnerOptions o) : opt_(o) {
  trainer_ = std::make_unique<Trainer>(s);  // throws Error on bad settings, in the caller's thread
  control_ = std::make_unique<ControlTrainer>(random_joint(3));  // the table `jemlab control` shows
  evaluator_ = std::make_unique<BackgroundEvaluator>([this] { wake_.notify_all(); });
  state_ = o.start_running ? RunState::Running : RunState::Paused;
  evaluations_watched_ = o.watch_evaluations;
  rebuild_after_reset();
  publish(true);
  thread_ = std::thread([this] { loop(); });
}

// The control dataset's two tiny models advance a few steps per publication while training runs:
// it converges in seconds, and costs the main run a few percent.
void Runner::advance_control() {
  const auto now = Clock::now();
  if (!control_ || control_->done() || now - last_control_ < std::chrono::milliseconds(200)) return;
  last_control_ = now;
  control_->step(10);
  auto v = std::make_shared<ControlView>();
  v->result = control_->result();
  v->iteration = control_->iteration();
  v->iters = control_->options().iters;
  next_.control = std::move(v);
}

void Runner::evaluate() {
  eval_requested_ = false;
  last_eval_step_ = trainer_->iteration();
  try {
    auto v = std::make_shared<EvalView>();
    v->step = trainer_->iteration();
    v->temperature = ood_temperature_;
    v->calibration = eval_calibration(*trainer_, 20);
    v->ood = eval_ood(*trainer_, ood_dataset_, ood_temperature_, 40);
    next_.eval = std::move(v);
  } catch (const std::exception& e) {
    event(std::string("evaluation: ") + e.what(), true);
  }
}

Runner::~Runner() {
  stop();
  evaluator_.reset();  // its thread wakes this one's: gone before the condition variable
}

void Runner::stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable() && thread_.get_id() != std::this_thread::get_id()) thread_.join();
}

void Runner::send(Command c) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    queue_.push_back(std::move(c));
  }
  wake_.notify_all();
}

std::shared_ptr<const Snapshot> Runner::latest() const {
  std::lock_guard<std::mutex> lock(mu_);
  return latest_;
}

std::shared_ptr<const Snapshot> Runner::wait_newer(uint64_t after, double timeout_s) const {
  std::unique_lock<std::mutex> lock(mu_);
  published_.wait_for(lock, std::chrono::duration<double>(timeout_s),
                      [&] { return latest_ && latest_->version > after; });
  return latest_;
}

void Runner::history_rewound() { ++lineage_; }

void Runner::rebuild_after_reset() {
  next_.history.clear();
  history_rewound();
  next_.guard.reset();
  next_.data = std::make_shared<const DataView>(trainer_->data_view());
  next_.chains.reset();
  next_.launched.reset();
  next_.eval.reset();
  next_.class_samples.reset();
  next_.stability.reset();
  next_.flight.reset();
  next_.replay.reset();
  next_.robustness.reset();
  next_.attack.reset();
  // The OOD set must fit the data: noise images for image sets, uniform points for 2D.
  const auto names = ood_dataset_names(trainer_->has_images());
  if (std::find(names.begin(), names.end(), ood_dataset_) == names.end()) ood_dataset_ = names.front();
  last_eval_step_ = -1;
  eval_requested_ = evaluations_watched_;
  // 2D runs on the CPU evaluate on the background copy; images and GPUs in step(), as headless.
  background_evaluations_ = !trainer_->has_images() && trainer_->device_name() == "cpu";
  trainer_->set_inline_evaluations(!background_evaluations_);
  // The view belongs to whoever sent one (the window); until then a square around the data box,
  // so that circles look round. Either way the new model's grid is due.
  if (!view_from_ui_) {
    const Box b = next_.data->box;
    const float cx = (b.x0 + b.x1) / 2, cy = (b.y0 + b.y1) / 2, h = std::max(b.width(), b.height()) / 2;
    view_ = Box{cx - h, cx + h, cy - h, cy + h};
  }
  view_dirty_ = true;
  rate_t0_ = Clock::now();
  rate_step0_ = trainer_->iteration();
}

void Runner::event(const std::string& text, bool is_error) {
  next_.events.push_back(RunEvent{trainer_->iteration(), text, is_error});
  if (next_.events.size() > opt_.max_events) next_.events.erase(next_.events.begin());
}

void Runner::loop() {
  name_this_thread("jemlab-trainer");
  const Settings& s = trainer_->settings();
  at::set_num_threads(run_threads(s));
  for (;;) {
    std::deque<Command> cmds;
    {
      std::unique_lock<std::mutex> lock(mu_);
      const bool busy = state_ == RunState::Running || steps_left_ > 0;
      if (!busy && queue_.empty() && !stop_) wake_.wait_for(lock, std::chrono::milliseconds(100));
      if (stop_) break;
      cmds.swap(queue_);
    }
    bool force = !cmds.empty();
    for (auto& c : cmds) handle(c);
    const bool stepping = state_ == RunState::Running || steps_left_ > 0;
    if (stepping) run_one_step();
    // A paused run with no command changes nothing: its field, buffer and chains are not
    // recomputed (the window then draws nothing new either).
    if (force || stepping) field_stale_ = buffer_stale_ = chains_stale_ = true;
    force |= merge_background_evaluations();  // new figures to show, the run itself unchanged
    if (autosave_every_s_ > 0 &&
        std::chrono::duration<double>(Clock::now() - last_autosave_).count() >= autosave_every_s_) {
      autosave();
      force = true;
    }
    const int every = trainer_->settings().eval_every;
    if (eval_requested_ || (evaluations_watched_ && every > 0 && trainer_->iteration() - last_eval_step_ >= every)) {
      evaluate();
      force = true;
    }
    const auto now = Clock::now();
    // A 128^2 grid costs more than a training iteration: refresh it at most often enough to take
    // ~5% of the trainer's time, and no faster than the window draws it, except right after the
    // view changed (pan and zoom stay snappy).
    const bool field_due = view_dirty_ || (field_stale_ && std::chrono::duration<double>(now - last_field_).count() >=
                                                             field_refresh_interval(next_.field ? next_.field->compute_s : 0, field_drawn_every_s_));
    if (force || std::chrono::duration<double>(now - last_publish_).count() >= opt_.publish_interval_s)
      publish(field_due);
  }
  if (autosave_every_s_ > 0) autosave();  // the session as it was when the window closed
}

// In the trainer's own thread, between iterations: the saved state is always a whole step's.
void Runner::autosave() {
  last_autosave_ = Clock::now();
  const int64_t step = trainer_->iteration();
  // Nothing new (paused, or just restored), or a state that failed mid-step: keep the last file.
  if (step == 0 || step == next_.autosaved_step || state_ == RunState::Failed) return;
  try {
    const std::filesystem::path dir = std::filesystem::path(autosave_path_).parent_path();
    if (!dir.empty()) std::filesystem::create_directories(dir);
    save_checkpoint(*trainer_, autosave_path_);
    next_.autosaved_step = step;
  } catch (const std::exception& e) {
    autosave_every_s_ = 0;  // one message, not one every interval
    event(std::string("autosave stopped: ") + e.what(), true);
  }
}

bool Runner::merge_background_evaluations() {
  bool merged = false;
  for (const EvaluationResult& r : evaluator_->take()) {
    if (r.lineage != lineage_) continue;  // a rolled-back, rewound or restarted run's
    if (!r.error.empty()) {
      background_evaluations_ = false;  // until the run starts again
      trainer_->set_inline_evaluations(true);
      event("evaluation on its own thread failed (" + r.error + "); evaluating on the trainer's from now on", true);
      continue;
    }
    merged |= next_.history.merge_evaluation(r.stats);
  }
  return merged;
}

void Runner::run_one_step() {
  std::optional<GuardEvent> guard;
  try {
    StepStats st = trainer_->step(&guard);
    if (guard) {
      next_.history.truncate_after(guard->rolled_back_to);
      history_rewound();
      try {
        next_.flight = std::make_shared<const ChainTrace>(trainer_->flight_record(guard->step));
      } catch (const Error&) {
        next_.flight.reset();  // the recorder is off
      }
      next_.guard = guard;
      state_ = RunState::Diverged;
      steps_left_ = 0;
      event(guard->message(), true);
      view_dirty_ = true;
      return;
    }
    next_.history.push(st);
    if (background_evaluations_ && trainer_->evaluation_due()) evaluator_->submit({lineage_, trainer_->serialize()});
    if (steps_left_ > 0 && --steps_left_ == 0 && state_ != RunState::Running) state_ = RunState::Paused;
  } catch (const std::exception& e) {
    state_ = RunState::Failed;
    steps_left_ = 0;
    event(std::string("training stopped: ") + e.what(), true);
  }
}

void Runner::publish_stability() {
  try {
    StabilityInputs in = trainer_->stability_inputs();
    // The gap's trend over the last 100 iterations.
    const MetricsHistory& h = next_.history;
    for (size_t i = h.size() > 100 ? h.size() - 100 : 0; i < h.size(); ++i) {
      in.steps.push_back(double(h[i].step));
      in.gaps.push_back(h[i].gap);
    }
    auto v = std::make_shared<StabilityView>();
    v->step = trainer_->iteration();
    v->indicators = stability_indicators(in);
    v->recorded = trainer_->recorded_iterations();
    v->buffer_energies = std::move(in.buffer_energies);
    v->data_energies = std::move(in.data_energies);
    v->noise_energies = std::move(in.noise_energies);
    v->buffer_age = integer_histogram(in.buffer_ages, 0, 24);
    // After a divergence the diverged iteration's record stays on show until training resumes.
    if (!v->recorded.empty() && !next_.guard)
      next_.flight = std::make_shared<const ChainTrace>(trainer_->flight_record(v->recorded.back()));
    next_.stability = std::move(v);
  } catch (const std::exception& e) {
    event(std::string("stability indicators: ") + e.what(), true);
  }
}

// Runs a recorded iteration's chains again from the kept model, start points and generator
// state (a copy of the model; training is not disturbed) and compares them with the record.
void Runner::replay(int64_t iteration) {
  auto v = std::make_shared<ReplayView>();
  v->iteration = iteration;
  try {
    if (iteration < 0) {
      const std::vector<int64_t> held = trainer_->recorded_iterations();
      if (held.empty()) throw Error("the flight recorder is off (flight_recorder = 0)");
      v->iteration = iteration = held.back();
    }
    const ChainTrace recorded = trainer_->flight_record(iteration);
    auto replayed = std::make_shared<const ChainTrace>(trainer_->replay_chains(iteration));
    v->check = compare_replay(recorded, *replayed);
    v->trace = std::move(replayed);
  } catch (const std::exception& e) {
    v->error = e.what();
    event(std::string("replay: ") + e.what(), true);
  }
  next_.replay = std::move(v);
}

void Runner::publish(bool field_due) {
  const auto now = Clock::now();
  if (state_ == RunState::Running || !next_.control) advance_control();
  if (field_due && !trainer_->has_images()) {
    auto t0 = Clock::now();
    FieldGrid grid = trainer_->field(view_, view_res_);
    grid.compute_s = std::chrono::duration<double>(Clock::now() - t0).count();
    next_.field = std::make_shared<const FieldGrid>(std::move(grid));
    last_field_ = now;
    view_dirty_ = field_stale_ = false;
  }
  // Image buffers cost a forward pass of the shown slots: a few refreshes a second are enough.
  if (!next_.buffer || (buffer_stale_ && (!trainer_->has_images() ||
                                          std::chrono::duration<double>(now - last_buffer_).count() >= 0.25))) {
    next_.buffer = std::make_shared<const BufferView>(trainer_->buffer_view());
    last_buffer_ = now;
    buffer_stale_ = false;
  }
  if (trainer_->settings().record_chains > 0 && chains_stale_) {
    Trajectories tr = trainer_->last_trajectories();
    if (tr.n_chains > 0) next_.chains = std::make_shared<const Trajectories>(std::move(tr));
    chains_stale_ = false;
  }
  // Once a second while training; at once when paused, so a paused lab shows its current state.
  const bool stale_while_paused =
      state_ != RunState::Running && (!next_.stability || next_.stability->step != trainer_->iteration());
  if (stale_while_paused || std::chrono::duration<double>(now - last_stability_).count() >= 1.0) {
    publish_stability();
    last_stability_ = now;
  }
  next_.timeline = trainer_->kept_steps();
  next_.timeline_bytes = trainer_->kept_bytes();
  next_.state = state_;
  next_.step = trainer_->iteration();
  next_.settings = trainer_->settings();
  next_.device = trainer_->device_name();
  const double dt = std::chrono::duration<double>(now - rate_t0_).count();
  if (dt >= 0.5) {
    next_.iters_per_s = (trainer_->iteration() - rate_step0_) / dt;
    rate_t0_ = now;
    rate_step0_ = trainer_->iteration();
  }
  next_.version += 1;
  auto snap = std::make_shared<const Snapshot>(next_);
  {
    std::lock_guard<std::mutex> lock(mu_);
    latest_ = std::move(snap);
  }
  published_.notify_all();
  last_publish_ = now;
}

}  // namespace jem
