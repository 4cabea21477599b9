// What the Stability tab says about which density the chains sample and whether they converged:
// plain lines from the knobs and the latest evaluation in the history (no ImGui: unit-tested).
#pragma once
#include <string>
#include <vector>

#include "core/params/settings.h"
#include "core/runner/metrics_history.h"

namespace jem::window {

enum class TruthLevel { Ok, Warn, Info };

struct TruthLine {
  TruthLevel level = TruthLevel::Info;
  std::string text;
};

std::vector<TruthLine> density_truth_lines(const Settings& s, const MetricsHistory& h);
// The newest KL(p_true || p_model) among the last `rows` rows, or NaN (no truth, no evaluation yet).
double latest_kl(const MetricsHistory& h, size_t rows);

}  // namespace jem::window
