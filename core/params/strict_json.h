// JSON as people write it: a key given twice in one object is refused, naming it (nlohmann's
// parser silently keeps the last one). Config files, presets and sessions read through this.
#pragma once
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "core/util/error.h"

namespace jem {

// Throws Error naming `origin` and the repeated key; nlohmann::json::parse_error on bad syntax.
inline nlohmann::json parse_json_strict(const std::string& text, const std::string& origin) {
  std::vector<std::set<std::string>> keys;  // one set per open object
  std::string repeated;
  auto note = [&](int, nlohmann::json::parse_event_t e, nlohmann::json& parsed) {
    using E = nlohmann::json::parse_event_t;
    if (e == E::object_start) keys.emplace_back();
    if (e == E::object_end && !keys.empty()) keys.pop_back();
    if (e == E::key && !keys.empty() && !keys.back().insert(parsed.get<std::string>()).second && repeated.empty())
      repeated = parsed.get<std::string>();
    return true;
  };
  nlohmann::json j = nlohmann::json::parse(text, note);
  if (!repeated.empty()) throw Error(origin + ": the key '" + repeated + "' is given twice (which value is meant?)");
  return j;
}

}  // namespace jem
