// jemlab: the JEM Lab executable. Subcommands run headless; no subcommand opens the lab.
#include <malloc.h>

#include <cstdio>
#include <cstring>
#include <exception>
#include <string>
#include <vector>

#include "app/cli/commands.h"
#include "app/window/lab_window.h"

namespace {

void print_help() {
  std::printf(
      "JEM Lab: train Joint Energy Models and watch them learn.\n\n"
      "usage: jemlab [knobs] [--preset NAME]   the lab window on the default 2D demo\n"
      "       jemlab --preset NAME --frames N --screenshot out.png   headless capture\n"
      "       jemlab demo [options]     the default demo trained headless, with a progress bar\n"
      "       jemlab train [options]    headless training (config.json, metrics.jsonl, checkpoints)\n"
      "       jemlab eval --ckpt F --eval test_clf|calibration|OOD|nll|logp_hist\n"
      "       jemlab sample --ckpt F --n N --n_steps S [--class Y] [--fresh]\n"
      "       jemlab control [--joint P00,P01,P10,P11] [--json]\n"
      "       jemlab attack --ckpt F [--distance linf|l2 --eps 0,0.1,... --n_steps_refine K --purify_steps P]\n"
      "       jemlab sweep --param NAME --values v1,v2,... [--seeds N] [--iters N] [--out DIR]\n"
      "       jemlab bench [options]    iterations per second of the default configuration\n\n"
      "'jemlab COMMAND --help' lists a command's options and every knob with its range.\n");
}

// The image models' activations (megabytes each) are allocated and freed on every SGLD step.
// glibc maps blocks that large afresh each time, or gives the freed top of its heap back, and the
// pages fault in again, zeroed: WRN-10-2 took a million page faults in four iterations. Kept in
// the heap (up to 256 MB freed at its top), over half of them go (448 thousand), and an iteration
// took 1.37-1.44 s against 1.45-1.48 (side by side, 2 threads). The 2D lab's tensors are small.
void keep_freed_memory_for_reuse() {
  mallopt(M_MMAP_THRESHOLD, 32 << 20);  // glibc's largest; a fixed value also stops its adaptation
  mallopt(M_TRIM_THRESHOLD, 256 << 20);
}

}  // namespace

int main(int argc, char** argv) {
  keep_freed_memory_for_reuse();
  std::vector<std::string> args(argv + 1, argv + argc);
  std::string command;
  if (!args.empty() && args[0].rfind("-", 0) != 0) {
    command = args[0];
    args.erase(args.begin());
  }
  try {
    if (command == "train") return jem::cli::cmd_train(args);
    if (command == "bench") return jem::cli::cmd_bench(args);
    if (command == "eval") return jem::cli::cmd_eval(args);
    if (command == "sample") return jem::cli::cmd_sample(args);
    if (command == "control") return jem::cli::cmd_control(args);
    if (command == "sweep") return jem::cli::cmd_sweep(args);
    if (command == "attack") return jem::cli::cmd_attack(args);
    if (command == "help") {
      print_help();
      return 0;
    }
    if (command == "demo") return jem::cli::cmd_demo(args);
    if (command.empty()) return jem::window::run_lab(args);
    std::fprintf(stderr, "jemlab: unknown command '%s'\n\n", command.c_str());
    print_help();
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "jemlab: error: %s\n", e.what());
    return 2;
  }
}
