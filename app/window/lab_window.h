// `jemlab [knobs] [--preset NAME] [--frames N --screenshot FILE.png]`: the live window.
#pragma once
#include <string>
#include <vector>

namespace jem::window {

int run_lab(const std::vector<std::string>& args);

}  // namespace jem::window
