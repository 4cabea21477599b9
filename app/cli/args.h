// Command-line parsing driven by the parameter schema: every knob is a --flag, plus the
// subcommand's own options. --config FILE.json is applied first, flags on top.
#pragma once
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "core/params/settings.h"

namespace jem::cli {

struct OptionSpec {
  enum Kind { Text, Integer, Real };
  std::string name;
  std::string help;
  std::string default_value;  // empty: no default
  bool takes_value = true;
  Kind kind = Text;  // numbers are checked against [min, max] as they are parsed, naming the option
  double min = 0, max = 0;
};
inline constexpr double kIntMax = 2147483647;
inline OptionSpec int_option(std::string name, std::string help, std::string value, double min, double max) {
  return {std::move(name), std::move(help), std::move(value), true, OptionSpec::Integer, min, max};
}
inline OptionSpec real_option(std::string name, std::string help, std::string value, double min, double max) {
  return {std::move(name), std::move(help), std::move(value), true, OptionSpec::Real, min, max};
}

struct Args {
  Settings settings;
  std::map<std::string, std::string> options;  // the subcommand's own options (defaults filled in)
  bool help = false;
  bool has(const std::string& k) const { return options.count(k) > 0; }
  const std::string& get(const std::string& k) const { return options.at(k); }
  std::vector<OptionSpec> own;  // the subcommand's option specs
  // The option's value as a number of its kind, within its range (throws Error naming it).
  int get_int(const std::string& k) const;
  double get_double(const std::string& k) const;
  const OptionSpec& spec_of(const std::string& k) const;
};

// Throws Error naming the bad flag or value.
Args parse_args(const std::vector<std::string>& argv, const std::vector<OptionSpec>& own,
                const Settings& base = Settings{});
std::string usage(const std::string& command, const std::string& summary, const std::vector<OptionSpec>& own,
                  bool with_knobs = true);

}  // namespace jem::cli
