// SGLD trajectories over the landscape: the chains recorded in the last training iteration and
// the chain launched by a click, animated step by step with a fading trail and a head marker.
#pragma once
#include <imgui.h>

#include <memory>

#include "app/window/lab_context.h"
#include "app/window/view_transform.h"
#include "core/jem/views.h"

namespace jem::window {

class TrajectoryOverlay {
 public:
  void draw_controls();
  // Advances playback; a recorded set is kept until it has played to the end, then the newest
  // one replaces it (the trainer records a new set every iteration, far faster than we animate).
  void update(const Snapshot& s, double dt);
  void draw(ImDrawList* dl, const ViewTransform& t, LabContext& ctx) const;
  bool show() const { return show_chains_ || show_launched_; }
  // True while a chain is still moving (the frame loop keeps drawing until it has finished).
  bool animating() const;

 private:
  void draw_set(ImDrawList* dl, const ViewTransform& t, const Trajectories& tr, double pos, float width,
                LabContext& ctx, bool full_path) const;

  std::shared_ptr<const Trajectories> playing_, launched_;
  double pos_ = 0, launched_pos_ = 0;
  float steps_per_s_ = 15;
  int trail_steps_ = 10;
  int max_chains_ = 16;
  bool show_chains_ = true, show_launched_ = true;
};

}  // namespace jem::window
