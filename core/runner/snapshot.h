// What the trainer thread publishes for the UI: an immutable value. Parts that change rarely
// (the grid, the data) are shared by pointer between consecutive snapshots.
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/control/control.h"
#include "core/eval/evaluate.h"
#include "core/eval/robustness.h"
#include "core/jem/views.h"
#include "core/metrics/histogram.h"
#include "core/metrics/stability.h"
#include "core/params/settings.h"
#include "core/runner/metrics_history.h"

namespace jem {

enum class RunState { Running, Paused, Diverged, Failed };
const char* run_state_name(RunState s);

struct RunEvent {
  int64_t step = 0;
  std::string text;
  bool is_error = false;
};

// Calibration and OOD detection on the test split, refreshed every eval_every iterations (and at
// once after SetOod or Evaluate).
struct EvalView {
  int64_t step = 0;
  Calibration calibration;  // 20 reliability bins
  OodEval ood;              // the four scores against the chosen OOD set, histograms on shared bins
  double temperature = 1;
};

// The control dataset trained live beside the main run: baseline and JEM on the same table.
struct ControlView {
  ControlResult result;  // truth, empirical, baseline, jem
  int iteration = 0;     // Adam steps taken so far
  int iters = 0;         // steps it runs to
};

// Sampler-health indicators (core/metrics/stability.h), refreshed about once a second.
struct StabilityView {
  int64_t step = 0;
  std::vector<Indicator> indicators;
  std::vector<int64_t> recorded;  // iterations the flight recorder holds
  // E(x) of buffer samples, test data and fresh noise (at most kEnergySamples each), and the
  // buffer's ages since reinit, binned (every slot counted).
  std::vector<double> buffer_energies, data_energies, noise_energies;
  IntHistogram buffer_age;
};

// cmd::Replay's outcome: the recorded iteration's chains run again and compared with the record.
struct ReplayView {
  int64_t iteration = 0;
  std::string error;  // why it could not run ("" when it ran)
  ReplayCheck check;
  std::shared_ptr<const ChainTrace> trace;  // the replayed chains
};

// cmd::EvaluateRobustness's outcome, at the step it ran.
struct RobustnessView {
  int64_t step = 0;
  RobustnessEval eval;
};

struct Snapshot {
  uint64_t version = 0;  // increases with every publication
  RunState state = RunState::Paused;
  int64_t step = 0;
  Settings settings;
  std::string device;
  double iters_per_s = 0;
  MetricsHistory history;
  std::optional<GuardEvent> guard;  // the last divergence, until training resumes
  std::vector<RunEvent> events;     // newest last, bounded
  int64_t autosaved_step = -1;      // the step of the last autosave (cmd::Autosave), -1: none yet

  std::shared_ptr<const FieldGrid> field;        // at the requested view box and resolution
  std::shared_ptr<const BufferView> buffer;
  std::shared_ptr<const Trajectories> chains;    // recorded chains of the last iteration
  std::shared_ptr<const Trajectories> launched;  // chains launched with LaunchChain
  std::shared_ptr<const DataView> data;
  std::shared_ptr<const EvalView> eval;        // null until the first evaluation
  std::shared_ptr<const ControlView> control;
  std::shared_ptr<const ImageGrid> class_samples;  // image data: SampleClasses' result, one row per class
  std::shared_ptr<const StabilityView> stability;
  std::vector<int64_t> timeline;  // steps the runner can rewind to (cmd::Rewind)
  size_t timeline_bytes = 0;      // what the kept states take (bounded; the soak counts it as expected)
  std::shared_ptr<const ChainTrace> flight;  // the flight recorder's newest record (the diverged one after a guard trip)
  std::shared_ptr<const ReplayView> replay;  // the last cmd::Replay, null until one
  std::shared_ptr<const RobustnessView> robustness;  // the last cmd::EvaluateRobustness
  std::shared_ptr<const AttackPath> attack;          // the last cmd::AttackPoint (2D)
};

}  // namespace jem
