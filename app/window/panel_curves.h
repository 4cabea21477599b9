// Training curves from the snapshot's MetricsHistory: loss terms, accuracy, f(x_data), f(x_q) and
// their gap, gradient norms, learning rate, exact test NLL and KL(p_true||p_model). Series are rebuilt only when the history grew.
#pragma once
#include <chrono>
#include <vector>

#include "app/plot/line_plot.h"
#include "app/window/lab_context.h"

namespace jem::window {

// History rows -> plot series, decimated to at most `max_points` per series (unit-tested).
struct CurveSet {
  std::vector<plot::Series> losses, accuracy, energies, gap, grads, lr, likelihood;
};
CurveSet build_curves(const MetricsHistory& h, size_t max_points);

class CurvesPanel {
 public:
  // Draws into the current window (a tab of the analysis column).
  void draw(LabContext& ctx);

 private:
  CurveSet curves_;
  size_t built_rows_ = 0;
  int64_t built_last_step_ = -1;
  std::chrono::steady_clock::time_point built_at_;
  bool log_loss_ = false, log_grads_ = true, log_lr_ = false;
};

}  // namespace jem::window
