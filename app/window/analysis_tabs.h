// The right column's analysis tabs, each panel in its own file; the tab shown is recorded in the
// context (a saved session keeps it) and each tab's button for the input test.
#pragma once
#include <imgui.h>

#include <string>

#include "app/panels/panel_ab.h"
#include "app/panels/panel_calibration.h"
#include "app/panels/panel_control_dataset.h"
#include "app/panels/panel_curves.h"
#include "app/panels/panel_ood.h"
#include "app/panels/panel_robustness.h"
#include "app/panels/panel_stability.h"
#include "app/panels/panel_sweep.h"
#include "app/window/lab_context.h"

namespace jem::window {

// They share one rectangle so each plot gets the full column height, readable at 1280x800.
struct AnalysisTabs {
  CurvesPanel curves;
  CalibrationPanel calibration;
  OodPanel ood;
  ControlDatasetPanel control;
  StabilityPanel stability;
  SweepPanel sweep;
  AbPanel ab;
  RobustnessPanel robustness;
  bool evaluations_watched = true;  // as a Runner starts (cmd::WatchEvaluations)

  void draw(LabContext& ctx, const PanelRect& rect);
};

}  // namespace jem::window
