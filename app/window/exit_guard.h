// A process exit from inside the window: Xlib calls exit() when the X server goes away (a closed
// remote session) or a request fails. exit() runs the libraries' static destructors while the
// trainer still runs: torch's operator table goes first, the trainer aborts, and the autosave is
// never written. While an ExitGuard lives, such an exit first stops its runner (which writes the
// autosave) and then ends the process at once, with exit code 1 and without those destructors.
#pragma once

namespace jem {
class Runner;
}

namespace jem::window {

class ExitGuard {
 public:
  explicit ExitGuard(Runner& runner);
  ~ExitGuard();
  ExitGuard(const ExitGuard&) = delete;
  ExitGuard& operator=(const ExitGuard&) = delete;
};

}  // namespace jem::window
