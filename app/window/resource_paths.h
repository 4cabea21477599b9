// Where the run-time files (shaders/, assets/) are: a flag, else an environment variable, else
// next to the executable or one folder up (build/jemlab runs from the source tree), else the
// source tree the executable was built from.
#pragma once
#include <string>

namespace jem::window {

// `flag_value` wins when set; then getenv(env_var); then the search. Throws Error if not found.
std::string find_resource_dir(const std::string& folder, const std::string& flag_value, const char* env_var);

}  // namespace jem::window
