// jemlab train: a headless run that writes config.json, metrics.jsonl and checkpoints.
#include <cmath>
#include <cstdlib>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "app/cli/args.h"
#include "app/cli/commands.h"
#include "app/cli/progress.h"
#include "app/cli/stop_signal.h"
#include "core/io/checkpoint.h"
#include "core/io/metrics_io.h"
#include "core/jem/trainer.h"
#include "core/params/config_file.h"
#include "core/util/atomic_file.h"
#include "core/util/error.h"

namespace jem::cli {
namespace {

const std::vector<OptionSpec>& train_options() {
  static const std::vector<OptionSpec> o = {
      int_option("iters", "Iterations to train (in total, counting those of a resumed checkpoint)", "2000", 1, kIntMax),
      {"out", "Output folder for config.json, metrics.jsonl and last.ckpt", "runs/train"},
      int_option("save_every", "Write last.ckpt every N iterations (0: only at the end)", "1000", 0, kIntMax),
      {"resume", "Continue from this checkpoint; flags given here override its knobs", ""},
      {"quiet", "No progress bar", "", false},
  };
  return o;
}

// A run killed after its last save has rows past the checkpoint, perhaps half a line at the end:
// a resume keeps the whole rows up to its step, so the file stays one row per iteration.
void trim_metrics_to(const std::string& path, int64_t step) {
  std::ifstream in(path);
  if (!in) return;
  std::string line, kept;
  while (std::getline(in, line) && !in.eof()) {  // a last line without its newline is torn
    const auto at = line.find("\"step\":");
    if (at == std::string::npos || line.back() != '}') continue;
    if (std::strtoll(line.c_str() + at + 7, nullptr, 10) <= step) kept += line + '\n';
  }
  write_file_atomically(path, kept);
}

std::string fmt(const char* f, double v) {
  char b[64];
  std::snprintf(b, sizeof b, f, v);
  return b;
}

// The --device flag, when given: a resumed run continues there instead of on its saved device.
std::string device_flag(const std::vector<std::string>& args, const Settings& parsed) {
  for (const std::string& x : args)
    if (x == "--device" || x.rfind("--device=", 0) == 0) return parsed.device;
  return "";
}

}  // namespace

// `resumed`: the trainer loaded from --resume (its knobs then updated from the flags), or null.
int run_training(const Args& a, const std::string& banner, std::unique_ptr<Trainer> resumed = nullptr) {
  // From the start: a signal while the data loads still ends in a saved checkpoint (at the next
  // iteration boundary).
  const StopSignals stop;
  std::unique_ptr<Trainer> trainer = std::move(resumed);
  if (trainer) trainer->apply(a.settings);
  else trainer = std::make_unique<Trainer>(a.settings);
  const int64_t iters = a.get_int("iters");
  const int save_every = a.get_int("save_every");
  const std::string out = a.get("out");
  std::error_code ec;
  std::filesystem::create_directories(out, ec);
  if (ec) throw Error(out + ": cannot create output folder: " + ec.message());
  save_settings_file(out + "/config.json", trainer->settings());
  if (a.has("resume")) trim_metrics_to(out + "/metrics.jsonl", trainer->iteration());
  std::ofstream metrics(out + "/metrics.jsonl", a.has("resume") ? std::ios::app : std::ios::trunc);
  if (!metrics) throw Error(out + "/metrics.jsonl: cannot open for writing");
  const std::string ckpt = out + "/last.ckpt";

  std::fprintf(stderr, "%s: %s, %d classes, device %s -> %s\n", banner.c_str(), trainer->settings().dataset.c_str(),
               trainer->n_classes(), trainer->device_name().c_str(), out.c_str());
  ProgressBar bar(iters);
  int code = 0;
  StepStats last;
  while (trainer->iteration() < iters) {
    if (stop.caught()) {
      std::fprintf(stderr, "\n%s at step %lld: saving %s\n", stop.what(), static_cast<long long>(trainer->iteration()),
                   ckpt.c_str());
      code = stop.exit_code();
      break;
    }
    std::optional<GuardEvent> guard;
    last = trainer->step(&guard);
    if (guard) {
      std::fprintf(stderr, "\n%s\n  Training stopped; %s holds the last good state. Try a smaller sgld_lr or lr, "
                           "more n_steps, or energy_reg_weight > 0.\n",
                   guard->message().c_str(), ckpt.c_str());
      code = 3;
      break;
    }
    metrics << stats_to_json_line(last) << '\n';
    if (save_every > 0 && trainer->iteration() % save_every == 0) {
      metrics.flush();  // the rows reach the file before the checkpoint that counts them
      save_checkpoint(*trainer, ckpt);
    }
    if (!a.has("quiet"))
      bar.update(trainer->iteration(), "loss " + fmt("%.3f", last.loss) + "  acc " + fmt("%.3f", last.acc) +
                                           "  gap " + fmt("%.3f", last.gap));
  }
  metrics.flush();
  save_checkpoint(*trainer, ckpt);
  if (code == 0) {
    if (!a.has("quiet")) bar.finish("done");
    const double test = trainer->test_accuracy();
    std::printf("step %lld  loss %.4f  train-batch acc %.4f  test acc %.4f  f(x_data)-f(x_q) %.4f  %.1f s\n",
                static_cast<long long>(trainer->iteration()), last.loss, last.acc, test, last.gap, last.wall_s);
  }
  std::printf("checkpoint: %s\n", ckpt.c_str());
  return code;
}

int cmd_train(const std::vector<std::string>& args) {
  Args a = parse_args(args, train_options());
  if (a.help) {
    std::printf("%s", usage("train", "Train a JEM headless (no display needed).", train_options()).c_str());
    return 0;
  }
  std::unique_ptr<Trainer> resumed;
  if (a.has("resume")) {
    // Flags override the checkpoint's own knobs, not the defaults.
    resumed = load_checkpoint(a.get("resume"), device_flag(args, a.settings));
    a = parse_args(args, train_options(), resumed->settings());
    if (resumed->resumed_across_devices())
      std::fprintf(stderr, "resumed on %s from a run on another device: the random streams restart, so the run is "
                           "not bit-identical to one that never stopped\n", resumed->device_name().c_str());
  }
  return run_training(a, "train", std::move(resumed));
}

int cmd_demo(const std::vector<std::string>& args) {
  Args a = parse_args(args, train_options());
  if (a.help) {
    std::printf("%s", usage("demo", "Trains the default 2D demo (two moons) headless, with a progress bar; bare `jemlab` opens the window.", train_options()).c_str());
    return 0;
  }
  if (a.get("out") == "runs/train") a.options["out"] = "runs/demo";
  return run_training(a, "demo (two moons)");
}

}  // namespace jem::cli
