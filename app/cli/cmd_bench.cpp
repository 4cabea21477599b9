// jemlab bench: iterations per second of the default 2D configuration (or any knobs given).
// The last line is "<number> it/s", for scripts comparing with ../shared/bench/peer_jem2d.py.
#include <chrono>
#include <cstdio>

#include "app/cli/args.h"
#include "app/cli/commands.h"
#include "core/jem/trainer.h"

namespace jem::cli {

int cmd_bench(const std::vector<std::string>& args) {
  static const std::vector<OptionSpec> own = {
      {"iters", "Timed iterations", "200"},
      {"warmup", "Untimed iterations first", "20"},
  };
  Args a = parse_args(args, own);
  if (a.help) {
    std::printf("%s", usage("bench", "Time training iterations; the last line is '<number> it/s'.", own).c_str());
    return 0;
  }
  Settings s = a.settings;
  s.eval_every = 0;  // time the official iteration only
  Trainer t(s);
  const int warmup = a.get_int("warmup"), iters = a.get_int("iters");
  for (int i = 0; i < warmup; ++i) t.step();
  auto t0 = std::chrono::steady_clock::now();
  StepStats last;
  for (int i = 0; i < iters; ++i) last = t.step();
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("jemlab bench: %s, MLP 2-%dx%d-%d %s, batch %d, n_steps %d, buffer %d, threads %d, device %s, loss %.3f\n",
              s.dataset.c_str(), s.width, s.depth, t.n_classes(), s.activation.c_str(), s.batch_size, s.n_steps,
              s.buffer_size, s.threads, t.device_name().c_str(), last.loss);
  std::printf("%.2f it/s\n", iters / secs);
  return 0;
}

}  // namespace jem::cli
