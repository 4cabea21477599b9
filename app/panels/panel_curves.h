// Training curves from the snapshot's MetricsHistory: loss terms, accuracy, f(x_data), f(x_q) and
// their gap, gradient norms, learning rate, exact test NLL and KL(p_true||p_model) of exp(f) and of the
// chains' exp(beta f), MALA's acceptance and the sample-quality figures. Series are rebuilt only when
// the history grew.
#pragma once
#include <chrono>
#include <vector>

#include "app/plot/line_plot.h"
#include "app/window/lab_context.h"

namespace jem::window {

// History rows -> plot series, decimated to at most `max_points` per series (unit-tested).
struct CurveSet {
  std::vector<plot::Series> losses, accuracy, energies, gap, grads, lr, likelihood;
  std::vector<plot::Series> sampler;  // MALA acceptance, the smallest and largest mode share
  std::vector<plot::Series> samples;  // buffer and probe KL to exp(beta f), the exact floor, MMD^2
  float first_step = 0, last_step = 0;  // the rows' span: the sparse plots' x axis, as the dense ones'
};
CurveSet build_curves(const MetricsHistory& h, size_t max_points);

class CurvesPanel {
 public:
  // Draws into the current window (a tab of the analysis column).
  void draw(LabContext& ctx);

 private:
  CurveSet curves_;
  uint64_t built_revision_ = 0;  // the history's (MetricsHistory::revision) when built
  std::chrono::steady_clock::time_point built_at_;
  bool log_loss_ = false, log_grads_ = true, log_lr_ = false, log_exact_ = true;
};

}  // namespace jem::window
