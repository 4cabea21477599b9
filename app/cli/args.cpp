#include "app/cli/args.h"

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <iomanip>
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

// "[1, 2147483647]", "[1e-06, 1e+06]".
std::string range_text(const OptionSpec& o) {
  std::ostringstream s;
  s << std::setprecision(12) << "[" << o.min << ", " << o.max << "]";
  return s.str();
}

// A number of an option's kind within its range, or an Error naming the option, the value and
// the range (as the schema's knobs are refused).
double checked_number(const OptionSpec& o, const std::string& v) {
  char* end = nullptr;
  errno = 0;
  const double x = o.kind == OptionSpec::Integer ? double(std::strtoll(v.c_str(), &end, 10)) : std::strtod(v.c_str(), &end);
  const char* kind = o.kind == OptionSpec::Integer ? "integer" : "number";
  if (v.empty() || *end || std::isspace(static_cast<unsigned char>(v[0])))
    throw Error("--" + o.name + ": '" + v + "' is not " + (o.kind == OptionSpec::Integer ? "an integer" : "a number"));
  if (errno == ERANGE || !std::isfinite(x) || x < o.min || x > o.max)
    throw Error("--" + o.name + ": '" + v + "' is out of range (" + kind + " in " + range_text(o) + ")");
  return x;
}

}  // namespace

int Args::get_int(const std::string& k) const {
  const OptionSpec& o = spec_of(k);
  if (o.kind != OptionSpec::Integer) throw Error("--" + k + ": not an integer option");
  return static_cast<int>(checked_number(o, get(k)));
}

double Args::get_double(const std::string& k) const {
  const OptionSpec& o = spec_of(k);
  if (o.kind == OptionSpec::Text) throw Error("--" + k + ": not a numeric option");
  return checked_number(o, get(k));
}

const OptionSpec& Args::spec_of(const std::string& k) const {
  for (const auto& o : own)
    if (o.name == k) return o;
  throw Error("--" + k + ": no such option");
}

Args parse_args(const std::vector<std::string>& argv, const std::vector<OptionSpec>& own, const Settings& base) {
  Args a;
  a.own = own;
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
    else if (o && o->kind != OptionSpec::Text) checked_number(*o, value), a.options[name] = value;  // refused early
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
      if (s.kind != OptionSpec::Text)
        o << " (" << (s.kind == OptionSpec::Integer ? "integer" : "number") << " in " << range_text(s)
          << (s.default_value.empty() ? "" : ", default " + s.default_value) << ")";
      else if (!s.default_value.empty()) o << " (default " << s.default_value << ")";
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
