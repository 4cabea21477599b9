// A sweep: one training run per value of a knob and per seed, from the same base settings,
// each evaluated the same way. The plan, its checks, the result rows and their CSV. Torch-free:
// the window and the CLI both use it.
#pragma once
#include <cstddef>
#include <limits>
#include <string>
#include <vector>

#include "core/params/settings.h"

namespace jem {

struct SweepPlan {
  std::string param;                // a schema knob
  std::vector<std::string> values;  // as text, parsed by the schema
  int seeds = 1;                    // runs per value, with seeds 1..seeds
  int iters = 500;                  // training iterations per run
  Settings base;                    // every run starts from these, then sets param and seed

  size_t n_runs() const { return values.size() * size_t(seeds > 0 ? seeds : 0); }
  // Runs go value by value, seeds innermost (the CSV's order).
  size_t value_of_run(size_t run) const { return run / size_t(seeds); }
  int seed_of_run(size_t run) const { return int(run % size_t(seeds)) + 1; }
};

// One run's results. NaN where a metric does not apply (the exact NLL on images).
struct SweepRow {
  std::string value;
  int seed = 1;
  double accuracy = std::numeric_limits<double>::quiet_NaN();
  double ece = std::numeric_limits<double>::quiet_NaN();
  double auroc = std::numeric_limits<double>::quiet_NaN();  // px score against the OOD set
  double nll = std::numeric_limits<double>::quiet_NaN();    // exact test NLL, 2D only
  double kl = std::numeric_limits<double>::quiet_NaN();     // KL(p_true || p_model), analytic 2D sets
  double kl_chains = std::numeric_limits<double>::quiet_NaN();  // the same for exp(beta f)
  double mmd2 = std::numeric_limits<double>::quiet_NaN();   // buffer vs test data, 2D
  double probe_kl = std::numeric_limits<double>::quiet_NaN();   // long-run probe vs exp(beta f), 2D
  double loss = std::numeric_limits<double>::quiet_NaN();   // the last loss not rolled back
  int divergences = 0;                                      // guard trips rolled back
};

// "0, 0.1,1" -> {"0", "0.1", "1"}: trimmed, empty entries dropped.
std::vector<std::string> split_sweep_values(const std::string& text);

// Every value of every run is checked before anything trains: a typo fails now, not after an
// hour. Throws Error naming the knob (and the bad value with the knob's range).
void check_sweep_plan(const SweepPlan& plan);

// The settings of one run: base, the knob at values[value_index], the seed.
Settings sweep_run_settings(const SweepPlan& plan, size_t value_index, int seed);

std::string sweep_csv_header();  // "param,value,seed,accuracy,ece,auroc_px,test_nll,kl_true,...,divergences"
std::string sweep_csv_row(const std::string& param, const SweepRow& r);
std::string sweep_csv(const std::string& param, const std::vector<SweepRow>& rows);  // header + rows
std::string sweep_number(double v);  // "%.6g", "" for NaN (an empty CSV cell)

}  // namespace jem
