// The stability tab: live sampler-health indicators, each with its level, value, thresholds and a
// one-line explanation, plus what the flight recorder holds. Warnings come before the guard trips.
#pragma once
#include "app/window/lab_context.h"

namespace jem::window {

class StabilityPanel {
 public:
  void draw(LabContext& ctx);

 private:
  void draw_timeline(LabContext& ctx);
  int pick_ = -1;  // index into the snapshot's timeline; -1: the newest
};

}  // namespace jem::window
