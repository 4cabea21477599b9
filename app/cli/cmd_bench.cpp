// jemlab bench: iterations per second of the default 2D configuration (or any knobs given).
// The last line is "<number> it/s", for scripts comparing with ../shared/bench/peer_jem2d.py;
// with an image model it is "<number> ms/it" (../shared/bench/peer_jem_cifar.py).
// --runner times the same training inside the Runner with a reader taking snapshots at 60 Hz,
// as the window does: the difference is what publishing, grids and evaluation cost.
// --soak MINUTES runs that for a while and watches memory, descriptors, threads and NaNs (soak.h).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <thread>

#include "app/cli/args.h"
#include "app/cli/commands.h"
#include "app/cli/soak.h"
#include "core/data/images/image_datasets.h"
#include "core/jem/trainer.h"
#include "core/util/blas_kernels.h"
#include "core/util/error.h"
#include "core/runner/runner.h"
#include "core/util/run_threads.h"

namespace jem::cli {
namespace {

using Clock = std::chrono::steady_clock;

// Image sets without their files are timed on CIFAR-shaped noise: the cost is the same.
void use_noise_when_files_are_missing(Settings& s) {
  if (!is_image_dataset(s.dataset)) return;
  try {
    find_image_dataset_files(s.data_dir, s.dataset, "train");
  } catch (const Error&) {
    std::printf("jemlab bench: no %s files in %s: timing on CIFAR-shaped random data\n", s.dataset.c_str(),
                s.data_dir.c_str());
    s.dataset = "cifar_noise";
    s.n_train = std::min(s.n_train, 5000);  // as many as the peer; the size does not change the timing
    s.n_test = std::min(s.n_test, 1000);
  }
}

double bench_trainer(Settings s, int warmup, int iters) {
  s.eval_every = 0;  // time the official iteration only
  use_noise_when_files_are_missing(s);
  Trainer t(s);
  for (int i = 0; i < warmup; ++i) t.step();
  const auto t0 = Clock::now();
  StepStats last;
  double loss_sum = 0;  // runs of the same knobs (cuda_graphs on or off) must agree on it
  for (int i = 0; i < iters; ++i) last = t.step(), loss_sum += last.loss;
  const double secs = std::chrono::duration<double>(Clock::now() - t0).count();
  const std::string model = s.model == "mlp" ? "MLP " + std::to_string(s.width) + "x" + std::to_string(s.depth) : s.model;
  std::printf("jemlab bench: %s, %s %s norm %s, %d classes, batch %d, n_steps %d, buffer %d, threads %d, device %s, "
              "%s, loss %.3f, mean loss %.4f\n",
              s.dataset.c_str(), model.c_str(), s.activation.c_str(), s.norm.c_str(), t.n_classes(), s.batch_size,
              s.n_steps, s.buffer_size, run_threads(s), t.device_name().c_str(), blas_kernels_in_use().c_str(), last.loss, loss_sum / iters);
  return iters / secs;
}

double bench_runner(const Settings& s, int warmup, int iters) {
  RunnerOptions options;
  options.watch_evaluations = false;  // as the window on its first tab (curves)
  Runner runner(s, options);
  // What a frame reads: the newest snapshot, its buffer and its field.
  auto frame = [&] {
    auto snap = runner.latest();
    volatile float sink = 0;
    if (snap->buffer && !snap->buffer->xy.empty()) sink = snap->buffer->xy.back();
    if (snap->field && !snap->field->neg_energy.empty()) sink = snap->field->neg_energy.front();
    (void)sink;
    return snap;
  };
  auto snap = frame();
  while (snap->step < warmup) {
    std::this_thread::sleep_for(std::chrono::milliseconds(16));
    snap = frame();
  }
  const auto t0 = Clock::now();
  const int64_t step0 = snap->step;
  while (snap->step < step0 + iters && snap->state == RunState::Running) {
    std::this_thread::sleep_for(std::chrono::milliseconds(16));
    snap = frame();
  }
  const double secs = std::chrono::duration<double>(Clock::now() - t0).count();
  std::printf("jemlab bench --runner: %s, threads %d, %lld iterations with 60 Hz snapshot reads, state %s\n",
              s.dataset.c_str(), run_threads(s), static_cast<long long>(snap->step - step0), run_state_name(snap->state));
  return (snap->step - step0) / secs;
}

}  // namespace

int cmd_bench(const std::vector<std::string>& args) {
  static const std::vector<OptionSpec> own = {
      int_option("iters", "Timed iterations", "200", 1, kIntMax),
      int_option("warmup", "Untimed iterations first", "20", 0, kIntMax),
      {"runner", "Train inside the Runner with 60 Hz snapshot reads, as the window does", "", false},
      real_option("soak", "Train this many minutes inside the Runner with the window's traffic, watching RSS, fds, threads and NaNs; exit 1 on a leak", "", 0.001, 1e6),
      real_option("soak_every", "With --soak: a report line every this many seconds", "10", 0.1, 1e6),
      {"soak_csv", "With --soak: write the report lines to this CSV file too", ""},
      real_option("soak_rss_mb", "With --soak: RSS growth after warm-up (beyond the metrics history's) that fails", "64", 0, 1e7),
  };
  Args a = parse_args(args, own);
  if (a.help) {
    std::printf("%s", usage("bench", "Time training iterations; the last line is '<number> it/s'.", own).c_str());
    return 0;
  }
  if (a.has("soak")) {
    SoakOptions o;
    o.minutes = a.get_double("soak");
    o.every_s = a.get_double("soak_every");
    o.csv = a.has("soak_csv") ? a.get("soak_csv") : "";
    o.max_growth_mb = a.get_double("soak_rss_mb");
    return run_soak(a.settings, o);
  }
  const int warmup = a.get_int("warmup"), iters = a.get_int("iters");
  const double rate = a.has("runner") ? bench_runner(a.settings, warmup, iters) : bench_trainer(a.settings, warmup, iters);
  // 2D runs are compared in iterations per second (peer_jem2d.py), image runs in ms per
  // iteration (peer_jem_cifar.py).
  if (a.settings.model == "mlp") std::printf("%.2f it/s\n", rate);
  else std::printf("%.1f ms/it\n", 1000.0 / rate);
  return 0;
}

}  // namespace jem::cli
