#include "core/params/config_file.h"

#include <fstream>
#include <nlohmann/json.hpp>

#include "core/params/strict_json.h"
#include <sstream>

#include "core/params/schema.h"
#include "core/util/atomic_file.h"
#include "core/util/error.h"

namespace jem {

std::string settings_to_json(const Settings& s, int indent) {
  nlohmann::ordered_json j;
  for (const auto& p : schema()) {
    switch (p.type) {
      case ParamType::Real: j[p.name] = s.*std::get<double Settings::*>(p.field); break;
      case ParamType::Int: j[p.name] = s.*std::get<int Settings::*>(p.field); break;
      case ParamType::Bool: j[p.name] = s.*std::get<bool Settings::*>(p.field); break;
      case ParamType::Choice:
      case ParamType::Text: j[p.name] = s.*std::get<std::string Settings::*>(p.field); break;
    }
  }
  return j.dump(indent);
}

Settings settings_from_json(const std::string& text, const Settings& base, const std::string& origin,
                            bool repeated_keys_ok) {
  nlohmann::json j;
  try {
    j = repeated_keys_ok ? nlohmann::json::parse(text) : parse_json_strict(text, origin);
  } catch (const nlohmann::json::exception& e) {
    throw Error(origin + ": not valid JSON: " + e.what());
  }
  if (!j.is_object()) throw Error(origin + ": expected a JSON object of parameter names to values");
  Settings s = base;
  for (const auto& [key, v] : j.items()) {
    // Keys starting with '_' are for humans (a preset's description, comments).
    if (!key.empty() && key[0] == '_') continue;
    try {
      const ParamSpec& p = param_or_throw(key);
      std::string text_value;
      if (p.type == ParamType::Choice || p.type == ParamType::Text) {
        if (!v.is_string()) throw Error(key + ": expected a string, " + describe_range(p));
        text_value = v.get<std::string>();
      } else if (p.type == ParamType::Bool) {
        if (!v.is_boolean()) throw Error(key + ": expected true or false");
        text_value = v.get<bool>() ? "true" : "false";
      } else {
        if (!v.is_number()) throw Error(key + ": expected a number " + describe_range(p));
        text_value = v.dump();
      }
      set_param(s, key, text_value);
    } catch (const Error& e) {
      throw Error(origin + ": " + e.what());
    }
  }
  return s;
}

Settings load_settings_file(const std::string& path, const Settings& base) {
  std::ifstream in(path);
  if (!in) throw Error(path + ": cannot open config file");
  std::stringstream ss;
  ss << in.rdbuf();
  return settings_from_json(ss.str(), base, path);
}

void save_settings_file(const std::string& path, const Settings& s) {
  write_file_atomically(path, settings_to_json(s) + "\n");
}

}  // namespace jem
