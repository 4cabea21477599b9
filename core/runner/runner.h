// The trainer on its own thread. The UI reaches it only through send() (a command queue) and
// latest() (immutable snapshots); it never touches the trainer's tensors. Torch-free header.
#pragma once
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>

#include "core/runner/background_evaluator.h"
#include "core/runner/commands.h"
#include "core/runner/snapshot.h"

namespace jem {

class Trainer;
class ControlTrainer;

struct RunnerOptions {
  bool start_running = true;
  bool watch_evaluations = true;  // calibration and OOD every eval_every (cmd::WatchEvaluations)
  // Snapshots at most this often while training (a command publishes at once): each new one
  // redraws the window's changed numbers and curves, ~7 ms of a software rasteriser's CPU.
  double publish_interval_s = 1.0 / 15;
  size_t max_events = 200;
};

class Runner {
 public:
  explicit Runner(const Settings& s, RunnerOptions o = {});
  ~Runner();  // stop()
  // Stops the thread: a step in flight finishes first, then the autosave (if on) is written.
  // Idempotent; from the runner's own thread it only asks.
  void stop();
  Runner(const Runner&) = delete;
  Runner& operator=(const Runner&) = delete;

  void send(Command c);
  std::shared_ptr<const Snapshot> latest() const;
  // Blocks until a snapshot with version > `after` exists or the timeout passes.
  std::shared_ptr<const Snapshot> wait_newer(uint64_t after, double timeout_s) const;

 private:
  void loop();
  void handle(Command& c);  // a std::visit over the command types: one `on` each
  void on(cmd::SetParam& c);
  void on(cmd::SetSettings& c);
  void on(cmd::Pause& c);
  void on(cmd::Resume& c);
  void on(cmd::Step& c);
  void on(cmd::Reset& c);
  void on(cmd::Save& c);
  void on(cmd::Load& c);
  void on(cmd::Autosave& c);
  void on(cmd::SetView& c);
  void on(cmd::LaunchChain& c);
  void on(cmd::Publish& c);
  void on(cmd::SetOod& c);
  void on(cmd::Evaluate& c);
  void on(cmd::SetControlJoint& c);
  void on(cmd::SampleClasses& c);
  void on(cmd::Rewind& c);
  void on(cmd::Replay& c);
  void on(cmd::EvaluateRobustness& c);
  void on(cmd::AttackPoint& c);
  void on(cmd::WatchEvaluations& c);
  void run_one_step();
  bool merge_background_evaluations();  // true when a row changed
  void history_rewound();
  void publish(bool field_due);
  void event(const std::string& text, bool is_error);
  void rebuild_after_reset();
  void evaluate();
  void advance_control();
  void publish_stability();
  void replay(int64_t iteration);
  void autosave();

  RunnerOptions opt_;
  // Trainer-thread state.
  std::unique_ptr<Trainer> trainer_;
  // The periodic evaluations of 2D runs on the CPU, off this thread; run on it (in step()) for
  // images and GPUs, and after a copy of the run failed (until the run starts again); chosen in
  // rebuild_after_reset. `lineage_` counts the times the history lost rows: an evaluation from
  // before that is dropped.
  std::unique_ptr<BackgroundEvaluator> evaluator_;
  bool background_evaluations_ = false;
  uint64_t lineage_ = 0;
  Snapshot next_;  // the snapshot being assembled
  RunState state_ = RunState::Paused;
  int steps_left_ = 0;
  Box view_;
  int view_res_ = 128;
  bool view_dirty_ = true;
  // The run changed (a step or a command) since the field, buffer or chains were last made.
  bool field_stale_ = true, buffer_stale_ = true, chains_stale_ = true;
  bool view_from_ui_ = false;  // a SetView came: the view is the UI's, kept across resets
  double field_drawn_every_s_ = 0;  // SetView's: the window draws no grid more often
  std::chrono::steady_clock::time_point last_publish_, last_field_, last_buffer_, last_stability_, rate_t0_;
  int64_t rate_step0_ = 0;
  std::string ood_dataset_ = "uniform";
  double ood_temperature_ = 1.0;
  int64_t last_eval_step_ = -1;
  bool eval_requested_ = false;
  bool evaluations_watched_ = true;  // cmd::WatchEvaluations
  std::unique_ptr<ControlTrainer> control_;
  std::chrono::steady_clock::time_point last_control_{};
  uint64_t attacks_ = 0;  // random points attacked so far: the next one is the next in the walk
  std::string autosave_path_;
  double autosave_every_s_ = 0;
  std::chrono::steady_clock::time_point last_autosave_{};

  // Shared with the UI thread.
  mutable std::mutex mu_;
  mutable std::condition_variable published_;
  std::condition_variable wake_;
  std::deque<Command> queue_;
  std::shared_ptr<const Snapshot> latest_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace jem
