// The window's entry point in a CLI-only jemlab (-DJEMLAB_BUILD_WINDOW=OFF, and jemlab-cli):
// asking for the window says how to get one instead of failing to link or to open a display.
#include "app/window/lab_window.h"
#include "core/util/error.h"

namespace jem::window {

int run_lab(const std::vector<std::string>&) {
  throw Error("this jemlab was built without the window (-DJEMLAB_BUILD_WINDOW=OFF): give a subcommand "
              "(train, eval, sample, attack, sweep, control, bench, demo; 'jemlab help' lists them), or build "
              "with the window for the lab");
}

}  // namespace jem::window
