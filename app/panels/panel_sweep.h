// The Sweep tab: one training run per value of a knob (and seed) from the window's current
// settings, run by a SweepRunner on its own thread while the main training is paused. Rows and
// plots (each metric against the value, seeds as points, the mean as a line) fill in live.
#pragma once
#include <memory>
#include <optional>
#include <string>

#include "app/window/lab_context.h"
#include "app/panels/sweep_logic.h"
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

  std::unique_ptr<SweepRunner> runner_;
  std::shared_ptr<const SweepSnapshot> snap_;  // the one this frame draws
  std::optional<SweepRequest> pending_;
  int param_ = -1;      // index into schema(); -1 until the first draw picks p_x_weight
  char values_[512] = {};
  int seeds_ = 1, iters_ = 200;
  std::string form_error_;      // why Run is disabled (bad values), naming the knob
  bool paused_main_ = false;    // the sweep paused the main training: offer to resume it
  bool main_seen_paused_ = false;  // the Pause has reached the runner (a later Running: resumed by hand)
  std::string save_status_;
};

}  // namespace jem::window
