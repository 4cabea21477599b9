#include "core/sweep/sweep.h"

#include "core/eval/evaluate.h"
#include "core/jem/trainer.h"

namespace jem {

std::optional<SweepRow> run_sweep_one(const SweepPlan& plan, size_t value_index, int seed,
                                      const SweepProgress& progress) {
  Trainer t(sweep_run_settings(plan, value_index, seed));
  SweepRow r;
  r.value = plan.values.at(value_index);
  r.seed = seed;
  for (int i = 0; i < plan.iters; ++i) {
    std::optional<GuardEvent> guard;
    const StepStats st = t.step(&guard);
    if (guard) ++r.divergences;  // rolled back: the sweep keeps going, the CSV counts them
    else r.loss = st.loss;
    if (progress && !progress(i + 1, false)) return std::nullopt;
  }
  if (progress && !progress(plan.iters, true)) return std::nullopt;
  r.accuracy = eval_classifier(t).accuracy;
  r.ece = eval_calibration(t, 20).ece;
  for (const auto& sc : eval_ood(t, t.has_images() ? "noise" : "uniform").scores)
    if (sc.score == "px") r.auroc = sc.auroc;
  if (!t.has_images()) {
    const DensityEval d = eval_density(t, 128, t.settings().probe_steps);
    const LikelihoodEval& e = d.likelihood;
    r.nll = e.test_nll;
    if (e.has_truth) r.kl = e.kl, r.kl_chains = e.kl_chains;
    const SampleQualityEval& q = d.samples;
    r.mmd2 = q.mmd2, r.probe_kl = q.probe_kl;
  }
  return r;
}

}  // namespace jem
