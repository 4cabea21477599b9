// The Sweep tab's logic without ImGui: the --sweep option, checking what the user typed, values
// to suggest for a knob, and the plot data (points per seed, a line through the per-value means,
// log x for log-scale knobs). Unit-tested in tests/test_sweep_logic.cpp.
#pragma once
#include <string>
#include <vector>

#include "core/params/schema.h"
#include "core/sweep/sweep_plan.h"

namespace jem::window {

struct SweepRequest {
  std::string param;
  std::string values;  // comma-separated, as typed
  int seeds = 1;
  int iters = 200;
};

// "p_x_weight=0,1 seeds=2 iters=60" (seeds and iters optional, any order). Throws Error saying
// what is wrong and what is expected. Values are not checked here (see make_sweep_plan).
SweepRequest parse_sweep_option(const std::string& text);

// Fills `plan` from the request and `base`; false with the reason (naming the knob) in `error`.
bool make_sweep_plan(const SweepRequest& r, const Settings& base, SweepPlan& plan, std::string& error);

// Knobs worth sweeping: all but the seed (set per run), text and runtime knobs (threads, device).
bool sweepable(const ParamSpec& p);
// A starting point for the values box: the current value and its neighbours within the range
// (decades for log-scale knobs), both states of a flag, every choice.
std::string suggest_sweep_values(const ParamSpec& p, const Settings& current);

// One metric against the value: x in plot units (log10 of the value on a log axis, the value's
// index for choices and flags), y the metric.
struct SweepPoint {
  double x = 0, y = 0;
  int seed = 1;
  std::string value;
};
struct SweepMetricPlot {
  std::string title;
  std::vector<SweepPoint> points;  // one per finished run with a finite value
  std::vector<SweepPoint> means;   // per value with any finite point, by increasing x
  double y_lo = 0, y_hi = 1;       // padded data range (a narrow band around a constant)
};
struct SweepTick {
  double x = 0;
  std::string label;
};
struct SweepChart {
  bool log_x = false, categorical = false;
  double x_lo = 0, x_hi = 1;  // padded so that the outer points are not on the frame
  std::vector<SweepTick> ticks;  // one per swept value
  std::vector<SweepMetricPlot> metrics;  // accuracy, ECE, AUROC, NLL
};
SweepChart build_sweep_chart(const SweepPlan& plan, const std::vector<SweepRow>& rows);

}  // namespace jem::window
