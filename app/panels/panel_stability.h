// The stability tab: live sampler-health indicators, each with its level, value, thresholds and a
// one-line explanation; energy and buffer-age histograms; what the flight recorder holds, its
// traces and their replay; the rewind timeline. Warnings come before the guard trips.
#pragma once
#include <memory>

#include "app/window/lab_context.h"

namespace jem::window {

class StabilityPanel {
 public:
  void draw(LabContext& ctx);

 private:
  void draw_replay(LabContext& ctx, const StabilityView& v);
  void draw_traces(LabContext& ctx);
  void draw_timeline(LabContext& ctx);
  int pick_ = -1;  // index into the snapshot's timeline; -1: the newest
  int64_t replay_pick_ = -1;                 // the iteration to replay; not recorded (-1): the newest
  int64_t auto_replayed_ = -1;               // --replay-latest: the newest iteration already sent
  std::weak_ptr<const ReplayView> seen_replay_;  // to switch to a replay's traces when one arrives
  bool show_replay_ = false;
};

}  // namespace jem::window
