#include "core/params/schema.h"

#include <algorithm>
#include <charconv>
#include <cerrno>
#include <cmath>
#include <cstdlib>

#include "core/params/schema_knobs.h"
#include "core/util/error.h"

namespace jem {
namespace {

size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diag = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] != b[j - 1])});
      diag = up;
    }
  }
  return row[b.size()];
}

// Shortest text that reads back to the same double: configs stay readable and round-trip exactly.
std::string fmt_number(double v) {
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}

[[noreturn]] void bad_value(const ParamSpec& p, std::string_view text, const char* why) {
  throw Error(p.name + ": '" + std::string(text) + "' " + why + " (" + type_name(p.type) + " " +
              describe_range(p) + ")");
}

void check_range(const ParamSpec& p, double v, std::string_view text) {
  if (!std::isfinite(v) || v < p.min || v > p.max) bad_value(p, text, "is out of range");
}

}  // namespace

const std::vector<ParamGroup>& param_groups() {
  static const std::vector<ParamGroup> groups = {
      {"loss", "Loss weights"},
      {"sampler", "SGLD sampler & replay buffer"},
      {"optimiser", "Optimiser"},
      {"data", "Data (changes reset the run)"},
      {"model", "Model (changes reset the run)"},
      {"run", "Run & divergence guard"},
      {"robustness", "Robustness: attack & defences"},
  };
  return groups;
}

const std::vector<ParamSpec>& schema() {
  static const std::vector<ParamSpec> specs = build_schema();
  return specs;
}

const ParamSpec* find_param(std::string_view name) {
  for (const auto& p : schema())
    if (p.name == name) return &p;
  return nullptr;
}

int schema_index(std::string_view name) { return static_cast<int>(&param_or_throw(name) - schema().data()); }

const ParamSpec& param_or_throw(std::string_view name) {
  if (const ParamSpec* p = find_param(name)) return *p;
  const ParamSpec* best = nullptr;
  size_t best_d = 4;  // suggest only close names
  for (const auto& p : schema()) {
    size_t d = edit_distance(name, p.name);
    if (d < best_d) best = &p, best_d = d;
  }
  std::string msg = "unknown parameter '" + std::string(name) + "'";
  if (best) msg += " (did you mean '" + best->name + "'?)";
  throw Error(msg);
}

std::string type_name(ParamType t) {
  switch (t) {
    case ParamType::Real: return "real";
    case ParamType::Int: return "integer";
    case ParamType::Bool: return "bool";
    case ParamType::Choice: return "choice";
    case ParamType::Text: return "text";
  }
  return "?";
}

std::string describe_range(const ParamSpec& p) {
  switch (p.type) {
    case ParamType::Real:
    case ParamType::Int: return "in [" + fmt_number(p.min) + ", " + fmt_number(p.max) + "]";
    case ParamType::Bool: return "true or false";
    case ParamType::Choice: {
      std::string s = "one of ";
      for (size_t i = 0; i < p.choices.size(); ++i) s += (i ? "|" : "") + p.choices[i];
      return s;
    }
    case ParamType::Text: return "any text";
  }
  return "";
}

void set_param(Settings& s, std::string_view name, std::string_view text) {
  const ParamSpec& p = param_or_throw(name);
  const std::string t(text);
  switch (p.type) {
    case ParamType::Real: {
      char* end = nullptr;
      errno = 0;
      double v = std::strtod(t.c_str(), &end);
      if (t.empty() || end != t.c_str() + t.size() || errno == ERANGE) bad_value(p, text, "is not a number");
      check_range(p, v, text);
      s.*std::get<double Settings::*>(p.field) = v;
      break;
    }
    case ParamType::Int: {
      char* end = nullptr;
      errno = 0;
      double v = std::strtod(t.c_str(), &end);  // accepts 1e4 but not 2.5
      if (t.empty() || end != t.c_str() + t.size() || errno == ERANGE) bad_value(p, text, "is not a number");
      if (v != std::floor(v)) bad_value(p, text, "is not an integer");
      check_range(p, v, text);
      s.*std::get<int Settings::*>(p.field) = static_cast<int>(v);
      break;
    }
    case ParamType::Bool: {
      const std::optional<bool> v = parse_bool_word(t);
      if (!v) bad_value(p, text, "is not a bool");
      s.*std::get<bool Settings::*>(p.field) = *v;
      break;
    }
    case ParamType::Choice: {
      if (std::find(p.choices.begin(), p.choices.end(), t) == p.choices.end())
        bad_value(p, text, "is not a valid choice");
      s.*std::get<std::string Settings::*>(p.field) = t;
      break;
    }
    case ParamType::Text: {
      if (t.size() > 4096 || std::any_of(t.begin(), t.end(), [](unsigned char c) { return c < 0x20; }))
        bad_value(p, text, "is too long or has control characters");
      s.*std::get<std::string Settings::*>(p.field) = t;
      break;
    }
  }
}

std::string get_param(const Settings& s, std::string_view name) {
  const ParamSpec& p = param_or_throw(name);
  switch (p.type) {
    case ParamType::Real: return fmt_number(s.*std::get<double Settings::*>(p.field));
    case ParamType::Int: return std::to_string(s.*std::get<int Settings::*>(p.field));
    case ParamType::Bool: return s.*std::get<bool Settings::*>(p.field) ? "true" : "false";
    case ParamType::Choice:
    case ParamType::Text: return s.*std::get<std::string Settings::*>(p.field);
  }
  return "";
}

double get_number(const Settings& s, const ParamSpec& p) {
  switch (p.type) {
    case ParamType::Real: return s.*std::get<double Settings::*>(p.field);
    case ParamType::Int: return s.*std::get<int Settings::*>(p.field);
    case ParamType::Bool: return s.*std::get<bool Settings::*>(p.field) ? 1.0 : 0.0;
    case ParamType::Choice:
    case ParamType::Text: break;
  }
  throw Error(p.name + " is not numeric");
}

std::optional<bool> parse_bool_word(std::string_view t) {
  if (t == "true" || t == "1" || t == "on" || t == "yes") return true;
  if (t == "false" || t == "0" || t == "off" || t == "no") return false;
  return std::nullopt;
}

void set_value(Settings& s, const ParamSpec& p, const KnobValue& v) {
  if (const auto* text = std::get_if<std::string>(&v)) return set_param(s, p.name, *text);  // Choice, Text, typed-in text
  const double x = std::holds_alternative<double>(v) ? std::get<double>(v)
                   : std::holds_alternative<int>(v)  ? double(std::get<int>(v))
                                                     : double(std::get<bool>(v));
  const std::string shown = fmt_number(x);
  switch (p.type) {
    case ParamType::Real:
      check_range(p, x, shown);
      s.*std::get<double Settings::*>(p.field) = x;
      return;
    case ParamType::Int:
      if (x != std::floor(x)) bad_value(p, shown, "is not an integer");
      check_range(p, x, shown);
      s.*std::get<int Settings::*>(p.field) = static_cast<int>(x);
      return;
    case ParamType::Bool:
      if (!std::holds_alternative<bool>(v)) bad_value(p, shown, "is not a bool");
      s.*std::get<bool Settings::*>(p.field) = std::get<bool>(v);
      return;
    case ParamType::Choice:
    case ParamType::Text: bad_value(p, shown, "is not text");
  }
}

KnobValue get_value(const Settings& s, const ParamSpec& p) {
  return std::visit([&](auto field) -> KnobValue { return s.*field; }, p.field);
}

bool same_value(const Settings& a, const Settings& b, const ParamSpec& p) {
  return std::visit([&](auto field) { return a.*field == b.*field; }, p.field);
}

void validate(const Settings& s) {
  // Each value through its typed setter: every range and choice check, no text round trip.
  Settings copy = s;
  for (const auto& p : schema()) set_value(copy, p, get_value(s, p));
  attack_radii(s);
  if (s.dataset == "csv" && s.data_file.empty())
    throw Error("data_file: dataset csv reads your points from a file: --data_file F.csv (rows x0,x1,label)");
}

std::vector<double> attack_radii(const Settings& s) {
  std::vector<double> v;
  std::string_view rest = s.eps;
  while (!rest.empty()) {
    const size_t comma = rest.find(',');
    const std::string item(rest.substr(0, comma));
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    char* end = nullptr;
    const double x = std::strtod(item.c_str(), &end);
    if (item.empty() || end != item.c_str() + item.size() || !std::isfinite(x) || x < 0 || x > 1000)
      throw Error("eps: '" + item + "' is not a radius in [0, 1000] (eps is a comma-separated list, e.g. 0,0.1,0.2)");
    v.push_back(x);
  }
  if (v.empty() || v.size() > 32) throw Error("eps: give 1 to 32 radii, comma-separated (e.g. 0,0.1,0.2)");
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
  return v;
}

bool Settings::operator==(const Settings& o) const {
  for (const auto& p : schema())
    if (!same_value(*this, o, p)) return false;
  return true;
}

}  // namespace jem
