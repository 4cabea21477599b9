// What the trainer thread publishes for the UI: an immutable value. Parts that change rarely
// (the grid, the data) are shared by pointer between consecutive snapshots.
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/jem/views.h"
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

  std::shared_ptr<const FieldGrid> field;        // at the requested view box and resolution
  std::shared_ptr<const BufferView> buffer;
  std::shared_ptr<const Trajectories> chains;    // recorded chains of the last iteration
  std::shared_ptr<const Trajectories> launched;  // chains launched with LaunchChain
  std::shared_ptr<const DataView> data;
};

}  // namespace jem
