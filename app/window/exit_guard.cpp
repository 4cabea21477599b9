#include "app/window/exit_guard.h"

#include <atomic>
#include <cstdio>
#include <cstdlib>

#include "core/runner/runner.h"

namespace jem::window {
namespace {

std::atomic<Runner*> g_guarded{nullptr};

void stop_guarded_runner_at_exit() {
  Runner* runner = g_guarded.exchange(nullptr);
  if (!runner) return;  // a normal exit: the window and its runner are gone already
  std::fprintf(stderr, "jemlab: the process is exiting from inside the window (did the X server go away?): "
                       "stopping the trainer and writing the autosave first\n");
  runner->stop();
  std::fflush(nullptr);
  std::_Exit(1);
}

}  // namespace

ExitGuard::ExitGuard(Runner& runner) {
  static const bool registered = std::atexit(stop_guarded_runner_at_exit) == 0;
  if (registered) g_guarded = &runner;
}

ExitGuard::~ExitGuard() { g_guarded = nullptr; }

}  // namespace jem::window
