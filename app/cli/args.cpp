#include "app/cli/args.h"

#include <cstdlib>
#include <sstream>

#include "core/params/config_file.h"
#include "core/params/schema.h"
#include "core/util/error.h"

namespace jem::cli {
namespace {

bool is_bool_word(const std::string& s) { return parse_bool_word(s).has_value(); }

const OptionSpec* find_own(const std::vector<OptionSpec>& own, const std::string& name) {
  for (const auto& o : own)
    if (o.name == name) return &o;
  return nullptr;
}

}  // namespace

int Args::get_int(const std::string& k) const {
  const std::string& v = get(k);
  char* end = nullptr;
  long x = std::strtol(v.c_str(), &end, 10);
  if (v.empty() || *end) throw Error("--" + k + ": '" + v + "' is not an integer");
  return static_cast<int>(x);
}

double Args::get_double(const std::string& k) const {
  const std::string& v = get(k);
  char* end = nullptr;
  double x = std::strtod(v.c_str(), &end);
  if (v.empty() || *end) throw Error("--" + k + ": '" + v + "' is not a number");
  return x;
}

Args parse_args(const std::vector<std::string>& argv, const std::vector<OptionSpec>& own, const Settings& base) {
  Args a;
  std::vector<std::pair<std::string, std::string>> knobs;
  std::string config;
  for (size_t i = 0; i < argv.size(); ++i) {
    std::string tok = argv[i];
    if (tok == "-h" || tok == "--help") {
      a.help = true;
      continue;
    }
    if (tok.rfind("--", 0) != 0) throw Error("unexpected argument '" + tok + "' (options are --name value)");
    std::string name = tok.substr(2), value;
    bool has_value = false;
    if (auto eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
      has_value = true;
    }
    const OptionSpec* o = find_own(own, name);
    const ParamSpec* p = o ? nullptr : find_param(name);
    if (name == "config") {
      o = nullptr;
    } else if (!o && !p) {
      param_or_throw(name);  // throws with a suggestion
    }
    const bool is_flag = (o && !o->takes_value) || (p && p->type == ParamType::Bool);
    if (!has_value) {
      if (is_flag) {
        if (i + 1 < argv.size() && is_bool_word(argv[i + 1])) value = argv[++i];
        else value = "true";
      } else {
        if (i + 1 >= argv.size()) throw Error("--" + name + " needs a value");
        value = argv[++i];
      }
    }
    if (name == "config") config = value;
    else if (o) a.options[name] = value;
    else knobs.emplace_back(name, value);
  }
  a.settings = config.empty() ? base : load_settings_file(config, base);
  for (const auto& [k, v] : knobs) {
    try {
      set_param(a.settings, k, v);
    } catch (const Error& e) {
      throw Error(std::string("--") + e.what());
    }
  }
  for (const auto& o : own)
    if (!a.options.count(o.name) && !o.default_value.empty()) a.options[o.name] = o.default_value;
  return a;
}

std::string usage(const std::string& command, const std::string& summary, const std::vector<OptionSpec>& own,
                  bool with_knobs) {
  std::ostringstream o;
  o << "usage: jemlab " << command << " [options]\n\n" << summary << "\n\n";
  if (!own.empty()) {
    o << "Options:\n";
    for (const auto& s : own) {
      o << "  --" << s.name << (s.takes_value ? " VALUE" : "") << "\n      " << s.help;
      if (!s.default_value.empty()) o << " (default " << s.default_value << ")";
      o << "\n";
    }
    o << "\n";
  }
  if (!with_knobs) return o.str();
  o << "  --config FILE.json\n      Knobs from a JSON object (flags given on the command line win).\n";
  std::string group;
  Settings defaults;
  for (const auto& p : schema()) {
    if (p.group != group) {
      group = p.group;
      o << "\nKnobs: " << group << "\n";
    }
    o << "  --" << p.name << " " << type_name(p.type) << " " << describe_range(p) << ", default "
      << get_param(defaults, p.name) << "\n      " << p.help << "\n";
  }
  return o.str();
}

}  // namespace jem::cli
