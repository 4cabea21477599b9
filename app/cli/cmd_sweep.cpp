// jemlab sweep: one training run per value of a knob (and per seed), evaluated the same way:
// test accuracy, ECE, OOD AUROC (px) and, in 2D, the exact test NLL. Writes sweep.csv and
// sweep.png (each metric against the value, seeds as points, the mean as a line). The engine is
// core/sweep (the window's Sweep tab runs the same code live).
#include <cstdio>
#include <filesystem>

#include "app/cli/args.h"
#include "app/cli/commands.h"
#include "app/cli/png_chart.h"
#include "app/cli/stop_signal.h"
#include "core/sweep/sweep.h"
#include "core/util/atomic_file.h"
#include "core/util/error.h"

namespace jem::cli {

int cmd_sweep(const std::vector<std::string>& args) {
  static const std::vector<OptionSpec> own = {
      {"param", "The knob to sweep (any schema knob, e.g. p_x_weight)", ""},
      {"values", "Comma-separated values, e.g. 0,0.1,1,10", ""},
      int_option("seeds", "Runs per value, with seeds 1..N", "1", 1, 1000),
      int_option("iters", "Training iterations per run", "500", 1, kIntMax),
      {"out", "Folder for sweep.csv and sweep.png", "runs/sweep"},
  };
  Args a = parse_args(args, own);
  if (a.help) {
    std::printf("%s", usage("sweep", "Train one run per value of a knob (and seed); CSV and PNG of the metrics.", own).c_str());
    return 0;
  }
  if (!a.has("param") || !a.has("values")) throw Error("sweep: --param NAME and --values v1,v2,... are required");
  SweepPlan plan;
  plan.param = a.get("param");
  plan.values = split_sweep_values(a.get("values"));
  plan.seeds = a.get_int("seeds"), plan.iters = a.get_int("iters");
  plan.base = a.settings;
  if (plan.values.empty()) throw Error("sweep: --values is empty");
  check_sweep_plan(plan);  // every value before anything trains
  const std::string& param = plan.param;
  const std::vector<std::string>& values = plan.values;
  const int seeds = plan.seeds, iters = plan.iters;
  const std::string out = a.get("out");
  std::filesystem::create_directories(out);

  // A signal cancels the run in flight; the finished runs' CSV and chart are written as usual.
  const StopSignals stop;
  const auto running = [&](int, bool) { return stop.caught() == 0; };
  std::vector<SweepRow> rows;
  std::vector<ChartPanel> panels = {{"test accuracy", {}}, {"ECE (calibration error)", {}},
                                    {"OOD AUROC, px score", {}}, {"exact test NLL (nats, 2D)", {}},
                                    {"KL(p_true || p_model) (nats, analytic 2D)", {}}};
  for (auto& p : panels) p.values.assign(values.size(), {});
  for (size_t run = 0; run < plan.n_runs(); ++run) {
    const size_t i = plan.value_of_run(run);
    const std::optional<SweepRow> done = run_sweep_one(plan, i, plan.seed_of_run(run), running);
    if (!done) {
      std::fprintf(stderr, "%s during run %zu of %zu (%s = %s, seed %d): writing the %zu finished run(s)\n", stop.what(),
                   run + 1, plan.n_runs(), param.c_str(), values[i].c_str(), plan.seed_of_run(run), rows.size());
      break;
    }
    const SweepRow& r = *done;
    std::fprintf(stderr, "%s = %s, seed %d: accuracy %.4f  ECE %.4f  AUROC %.4f  NLL %s  KL %s%s\n", param.c_str(),
                 values[i].c_str(), r.seed, r.accuracy, r.ece, r.auroc, sweep_number(r.nll).c_str(),
                 sweep_number(r.kl).c_str(),
                 r.divergences ? ("  (" + std::to_string(r.divergences) + " divergences rolled back)").c_str() : "");
    rows.push_back(r);
    const double metrics[] = {r.accuracy, r.ece, r.auroc, r.nll, r.kl};
    for (size_t k = 0; k < panels.size(); ++k) panels[k].values[i].push_back(metrics[k]);
    write_file_atomically(out + "/sweep.csv", sweep_csv(param, rows));  // partial results survive an interruption
  }
  write_chart_png(out + "/sweep.png", "sweep of " + param + " (" + std::to_string(seeds) + " seed(s), " +
                                          std::to_string(iters) + " iterations, " + a.settings.dataset + ")",
                  values, panels);
  if (rows.empty()) write_file_atomically(out + "/sweep.csv", sweep_csv(param, rows));  // else written per run
  std::printf("wrote %s/sweep.csv and %s/sweep.png (%zu of %zu runs: %zu values x %d seeds)\n", out.c_str(), out.c_str(),
              rows.size(), plan.n_runs(), values.size(), seeds);
  return stop.caught() ? stop.exit_code() : 0;
}

}  // namespace jem::cli
