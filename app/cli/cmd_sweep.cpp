// jemlab sweep: one training run per value of a knob (and per seed), evaluated the same way:
// test accuracy, ECE, OOD AUROC (px) and, in 2D, the exact test NLL. Writes sweep.csv and
// sweep.png (each metric against the value, seeds as points, the mean as a line).
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <sstream>

#include "app/cli/args.h"
#include "app/cli/commands.h"
#include "app/cli/png_chart.h"
#include "core/eval/evaluate.h"
#include "core/jem/trainer.h"
#include "core/params/schema.h"
#include "core/util/atomic_file.h"
#include "core/util/error.h"

namespace jem::cli {
namespace {

struct RunResult {
  double accuracy = kNaN, ece = kNaN, auroc = kNaN, nll = kNaN, loss = kNaN;
  int divergences = 0;
};

std::vector<std::string> split_values(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream ss(text);
  for (std::string v; std::getline(ss, v, ',');)
    if (!v.empty()) out.push_back(v);
  return out;
}

RunResult train_and_evaluate(const Settings& s, int iters) {
  Trainer t(s);
  RunResult r;
  for (int i = 0; i < iters; ++i) {
    std::optional<GuardEvent> guard;
    const StepStats st = t.step(&guard);
    if (guard) ++r.divergences;  // rolled back: the sweep keeps going, the CSV counts them
    else r.loss = st.loss;
  }
  r.accuracy = eval_classifier(t).accuracy;
  r.ece = eval_calibration(t, 20).ece;
  for (const auto& sc : eval_ood(t, t.has_images() ? "noise" : "uniform").scores)
    if (sc.score == "px") r.auroc = sc.auroc;
  if (!t.has_images()) r.nll = eval_likelihood(t, 128).test_nll;
  return r;
}

std::string csv_number(double v) {
  if (!std::isfinite(v)) return "";
  char b[32];
  std::snprintf(b, sizeof b, "%.6g", v);
  return b;
}

}  // namespace

int cmd_sweep(const std::vector<std::string>& args) {
  static const std::vector<OptionSpec> own = {
      {"param", "The knob to sweep (any schema knob, e.g. p_x_weight)", ""},
      {"values", "Comma-separated values, e.g. 0,0.1,1,10", ""},
      {"seeds", "Runs per value, with seeds 1..N", "1"},
      {"iters", "Training iterations per run", "500"},
      {"out", "Folder for sweep.csv and sweep.png", "runs/sweep"},
  };
  Args a = parse_args(args, own);
  if (a.help) {
    std::printf("%s", usage("sweep", "Train one run per value of a knob (and seed); CSV and PNG of the metrics.", own).c_str());
    return 0;
  }
  if (!a.has("param") || !a.has("values")) throw Error("sweep: --param NAME and --values v1,v2,... are required");
  const std::string param = a.get("param");
  const std::vector<std::string> values = split_values(a.get("values"));
  if (values.empty()) throw Error("sweep: --values is empty");
  const int seeds = a.get_int("seeds"), iters = a.get_int("iters");
  if (seeds < 1 || iters < 1) throw Error("sweep: --seeds and --iters must be >= 1");
  // Every value is checked before anything trains: a typo fails now, not after an hour.
  for (const auto& v : values) {
    Settings probe = a.settings;
    set_param(probe, param, v);
  }
  const std::string out = a.get("out");
  std::filesystem::create_directories(out);

  std::ostringstream csv;
  csv << "param,value,seed,accuracy,ece,auroc_px,test_nll,final_loss,divergences\n";
  std::vector<ChartPanel> panels = {{"test accuracy", {}}, {"ECE (calibration error)", {}},
                                    {"OOD AUROC, px score", {}}, {"exact test NLL (nats, 2D)", {}}};
  for (auto& p : panels) p.values.assign(values.size(), {});
  for (size_t i = 0; i < values.size(); ++i) {
    for (int seed = 1; seed <= seeds; ++seed) {
      Settings s = a.settings;
      set_param(s, param, values[i]);
      s.seed = seed;
      const RunResult r = train_and_evaluate(s, iters);
      std::fprintf(stderr, "%s = %s, seed %d: accuracy %.4f  ECE %.4f  AUROC %.4f  NLL %s%s\n", param.c_str(),
                   values[i].c_str(), seed, r.accuracy, r.ece, r.auroc, csv_number(r.nll).c_str(),
                   r.divergences ? ("  (" + std::to_string(r.divergences) + " divergences rolled back)").c_str() : "");
      csv << param << ',' << values[i] << ',' << seed << ',' << csv_number(r.accuracy) << ',' << csv_number(r.ece) << ','
          << csv_number(r.auroc) << ',' << csv_number(r.nll) << ',' << csv_number(r.loss) << ',' << r.divergences << '\n';
      const double metrics[] = {r.accuracy, r.ece, r.auroc, r.nll};
      for (size_t k = 0; k < panels.size(); ++k) panels[k].values[i].push_back(metrics[k]);
      write_file_atomically(out + "/sweep.csv", csv.str());  // partial results survive an interruption
    }
  }
  write_chart_png(out + "/sweep.png", "sweep of " + param + " (" + std::to_string(seeds) + " seed(s), " +
                                          std::to_string(iters) + " iterations, " + a.settings.dataset + ")",
                  values, panels);
  std::printf("wrote %s/sweep.csv and %s/sweep.png (%zu values x %d seeds)\n", out.c_str(), out.c_str(), values.size(), seeds);
  return 0;
}

}  // namespace jem::cli
