// One run of a sweep: train a fresh model for plan.iters iterations, then evaluate it (test
// accuracy, ECE, px OOD AUROC, exact NLL in 2D). Shared by `jemlab sweep` and the SweepRunner.
// Torch-free header.
#pragma once
#include <functional>
#include <optional>

#include "core/sweep/sweep_plan.h"

namespace jem {

// Called after each iteration with the iterations done, and once more with evaluating = true
// before the evaluation; returning false cancels the run.
using SweepProgress = std::function<bool(int iterations_done, bool evaluating)>;

// The run's row, or nullopt when `progress` cancelled it. Throws Error on a bad value or a
// failing trainer.
std::optional<SweepRow> run_sweep_one(const SweepPlan& plan, size_t value_index, int seed,
                                      const SweepProgress& progress = {});

}  // namespace jem
