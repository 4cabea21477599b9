// Command-line parsing driven by the parameter schema: every knob is a --flag, plus the
// subcommand's own options. --config FILE.json is applied first, flags on top.
#pragma once
#include <map>
#include <string>
#include <vector>

#include "core/params/settings.h"

namespace jem::cli {

struct OptionSpec {
  std::string name;
  std::string help;
  std::string default_value;  // empty: no default
  bool takes_value = true;
};

struct Args {
  Settings settings;
  std::map<std::string, std::string> options;  // the subcommand's own options (defaults filled in)
  bool help = false;
  bool has(const std::string& k) const { return options.count(k) > 0; }
  const std::string& get(const std::string& k) const { return options.at(k); }
  int get_int(const std::string& k) const;
  double get_double(const std::string& k) const;
};

// Throws Error naming the bad flag or value.
Args parse_args(const std::vector<std::string>& argv, const std::vector<OptionSpec>& own,
                const Settings& base = Settings{});
std::string usage(const std::string& command, const std::string& summary, const std::vector<OptionSpec>& own,
                  bool with_knobs = true);

}  // namespace jem::cli
