// One exception type for everything the user can get wrong (bad flag, bad file, bad knob).
// The message names the problem; callers at the top (CLI, window) print it and carry on or exit.
#pragma once
#include <stdexcept>
#include <string>

namespace jem {

struct Error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

}  // namespace jem
