// Calibration of p(y|x) on the test split: reliability diagram (accuracy per confidence bin against
// the diagonal, the gap shaded), ECE, and the confidence histogram. JEM's claim is that modelling
// p(x) too leaves the classifier better calibrated than the baseline's.
#pragma once
#include "app/window/lab_context.h"

namespace jem::window {

class CalibrationPanel {
 public:
  // Draws into the current window (a tab of the analysis column).
  void draw(LabContext& ctx);
};

}  // namespace jem::window
