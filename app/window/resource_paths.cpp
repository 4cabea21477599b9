#include "app/window/resource_paths.h"

#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <vector>

namespace jem::window {

namespace fs = std::filesystem;

std::string find_resource_dir(const std::string& folder, const std::string& flag_value, const char* env_var) {
  std::error_code ec;
  // A folder named by hand that is not there: say so now, not as an unreadable file later.
  auto named = [&](const std::string& dir, const std::string& by) {
    if (!fs::is_directory(dir, ec))
      throw std::runtime_error("the " + folder + " folder " + dir + " (" + by + ") does not exist");
    return dir;
  };
  if (!flag_value.empty()) return named(flag_value, "--" + folder);
  if (const char* env = std::getenv(env_var); env && *env) return named(env, std::string("$") + env_var);
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  std::vector<fs::path> candidates;
  if (!ec) {
    candidates.push_back(exe.parent_path() / folder);
    candidates.push_back(exe.parent_path().parent_path() / folder);
    candidates.push_back(exe.parent_path().parent_path() / "share" / "jemlab" / folder);
  }
#ifdef JEMLAB_SOURCE_DIR
  candidates.push_back(fs::path(JEMLAB_SOURCE_DIR) / folder);
#endif
  for (const fs::path& c : candidates)
    if (fs::is_directory(c, ec)) return c.string();
  throw std::runtime_error("cannot find the '" + folder + "' folder next to the executable; set " + env_var +
                           " or pass --" + folder + " DIR");
}

}  // namespace jem::window
