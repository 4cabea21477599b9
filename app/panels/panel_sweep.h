// The Sweep tab: draws a SweepSession (app/sessions/): one training run per value of a knob (and
// seed) from the window's current settings, while the main training is paused. Rows and plots
// (each metric against the value, seeds as points, the mean as a line) fill in live.
#pragma once
#include <memory>
#include <optional>
#include <string>

#include "app/window/lab_context.h"
#include "app/panels/sweep_logic.h"
#include "app/sessions/sweep_session.h"
#include "core/sweep/sweep_runner.h"

namespace jem::window {

class SweepPanel {
 public:
  SweepPanel();
  ~SweepPanel();  // cancels a sweep in flight and waits for its iteration to finish

  // --sweep: started at the next update(), from the settings the window shows then.
  void request(const SweepRequest& r);
  // Every frame, shown or not: starts a requested sweep, follows the running one.
  void update(LabContext& ctx);
  // Draws into the current window (a tab of the analysis column).
  void draw(LabContext& ctx);
  // A sweep is requested or under way (the frame loop keeps drawing; --frames waits for it).
  bool busy() const;

 private:
  void start(LabContext& ctx, const SweepRequest& r);
  void draw_form(LabContext& ctx);
  void draw_status(LabContext& ctx);
  void draw_plots(LabContext& ctx, float plot_height);
  void draw_table(LabContext& ctx, float height);

  void adopt(const SweepRequest& r);  // the form shows what was started
  LabContext* ctx_ = nullptr;  // this frame's, for the session's commands to the main run
  SweepSession session_{[this](Command c) {
    if (ctx_) ctx_->send(std::move(c));
  }};
  std::shared_ptr<const SweepSnapshot> snap_;  // the one this frame draws
  int param_ = -1;      // index into schema(); -1 until the first draw picks p_x_weight
  char values_[512] = {};
  int seeds_ = 1, iters_ = 200;
  std::string form_error_;      // why Run is disabled (bad values), naming the knob
  std::string save_status_;
};

}  // namespace jem::window
