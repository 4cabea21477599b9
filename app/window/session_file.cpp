#include "app/window/session_file.h"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "app/panels/presets.h"
#include "core/data/points_csv.h"
#include "core/params/config_file.h"
#include "core/params/schema.h"
#include "core/params/strict_json.h"
#include "core/util/atomic_file.h"
#include "core/util/error.h"

namespace jem::window {
namespace {

using nlohmann::json;

[[noreturn]] void refuse(const std::string& origin, const std::string& what) { throw Error(origin + ": " + what); }

void check_keys(const json& j, const std::vector<std::string>& known, const std::string& origin, const std::string& where) {
  for (const auto& [key, value] : j.items())
    if (std::find(known.begin(), known.end(), key) == known.end())
      refuse(origin, "unknown entry '" + where + key + "'");
}

template <typename T>
void read(const json& j, const char* key, T& out, const std::string& origin, const std::string& where) {
  if (!j.contains(key)) return;
  try {
    out = j.at(key).get<T>();
  } catch (const json::exception&) {
    refuse(origin, where + key + ": wrong type");
  }
}

json landscape_json(const LandscapeOptions& l) {
  return {{"field", l.field}, {"log", l.log}, {"colormap", l.colormap}, {"contours", l.contours},
          {"boundary", l.boundary}, {"tint", l.tint}, {"data", l.data}, {"buffer", l.buffer}, {"drift", l.drift}};
}

LandscapeOptions parse_landscape(const json& j, const std::string& origin) {
  if (!j.is_object()) refuse(origin, "landscape: expected an object");
  check_keys(j, {"field", "log", "colormap", "contours", "boundary", "tint", "data", "buffer", "drift"}, origin, "landscape.");
  LandscapeOptions l;
  read(j, "field", l.field, origin, "landscape.");
  read(j, "log", l.log, origin, "landscape.");
  read(j, "colormap", l.colormap, origin, "landscape.");
  read(j, "contours", l.contours, origin, "landscape.");
  for (auto [key, flag] : {std::pair{"boundary", &l.boundary}, std::pair{"tint", &l.tint}, std::pair{"data", &l.data},
                           std::pair{"buffer", &l.buffer}, std::pair{"drift", &l.drift}})
    read(j, key, *flag, origin, "landscape.");
  if (l.contours < 0 || l.contours > 40) refuse(origin, "landscape.contours: " + std::to_string(l.contours) + " is out of range [0, 40]");
  return l;
}

void parse_points(const json& j, Session& s, const std::string& origin) {
  if (!j.is_object()) refuse(origin, "points: expected an object with x0, x1 and label arrays");
  check_keys(j, {"x0", "x1", "label"}, origin, "points.");
  std::vector<float> x0, x1;
  read(j, "x0", x0, origin, "points.");
  read(j, "x1", x1, origin, "points.");
  read(j, "label", s.points_label, origin, "points.");
  if (x0.size() != x1.size() || x0.size() != s.points_label.size())
    refuse(origin, "points: x0, x1 and label differ in length");
  // The points file's own checks (labels 0..K-1, finite values, at least 10), with the row named.
  std::vector<float> xy;
  for (size_t i = 0; i < x0.size(); ++i) xy.push_back(x0[i]), xy.push_back(x1[i]);
  parse_points_csv(points_csv_text(xy, s.points_label), origin + " (points)");
  s.points_xy = std::move(xy);
}

}  // namespace

std::string session_json(const Session& s) {
  json j;
  j["jemlab_session"] = kSessionVersion;
  j["settings"] = json::parse(settings_to_json(s.settings, -1));
  if (!s.points_label.empty()) {
    std::vector<float> x0, x1;
    for (size_t i = 0; i < s.points_label.size(); ++i) x0.push_back(s.points_xy[2 * i]), x1.push_back(s.points_xy[2 * i + 1]);
    j["points"] = {{"x0", x0}, {"x1", x1}, {"label", s.points_label}};
  }
  if (s.view) j["view"] = {s.view->x0, s.view->x1, s.view->y0, s.view->y1};
  j["landscape"] = landscape_json(s.landscape);
  j["tab"] = s.tab;
  j["lesson"] = {{"preset", s.preset}, {"title", s.title}, {"description", s.description}, {"look", s.look}, {"try", s.try_this}};
  return j.dump(1) + "\n";
}

Session parse_session(const std::string& text, const std::string& origin) {
  json j;
  try {
    j = parse_json_strict(text, origin);
  } catch (const json::exception&) {
    refuse(origin, "not a JSON object (a session file from 'Save session')");
  }
  if (!j.is_object()) refuse(origin, "not a JSON object (a session file from 'Save session')");
  check_keys(j, {"jemlab_session", "settings", "points", "view", "landscape", "tab", "lesson"}, origin, "");
  if (!j.contains("jemlab_session")) refuse(origin, "not a JEM Lab session (no jemlab_session version)");
  if (!j["jemlab_session"].is_number_integer() || j["jemlab_session"].get<int>() != kSessionVersion)
    refuse(origin, "jemlab_session: version " + j["jemlab_session"].dump() + " is not " + std::to_string(kSessionVersion) +
                       ", the one this lab reads");
  Session s;
  if (j.contains("settings")) s.settings = settings_from_json(j["settings"].dump(), Settings{}, origin + " (settings)");
  validate(s.settings);
  if (j.contains("points")) parse_points(j["points"], s, origin);
  if (j.contains("view")) {
    std::vector<double> v;
    read(j, "view", v, origin, "");
    if (v.size() != 4 || !std::all_of(v.begin(), v.end(), [](double x) { return std::isfinite(x) && std::abs(x) < 1e6; }) ||
        !(v[0] < v[1]) || !(v[2] < v[3]))
      refuse(origin, "view: expected [x0, x1, y0, y1] with x0 < x1 and y0 < y1");
    s.view = Box{float(v[0]), float(v[1]), float(v[2]), float(v[3])};
  }
  if (j.contains("landscape")) s.landscape = parse_landscape(j["landscape"], origin);
  read(j, "tab", s.tab, origin, "");
  if (!is_analysis_tab(s.tab)) refuse(origin, "tab: '" + s.tab + "' is not an analysis tab");
  if (j.contains("lesson")) {
    const json& l = j["lesson"];
    if (!l.is_object()) refuse(origin, "lesson: expected an object");
    check_keys(l, {"preset", "title", "description", "look", "try"}, origin, "lesson.");
    read(l, "preset", s.preset, origin, "lesson.");
    read(l, "title", s.title, origin, "lesson.");
    read(l, "description", s.description, origin, "lesson.");
    read(l, "look", s.look, origin, "lesson.");
    read(l, "try", s.try_this, origin, "lesson.");
  }
  if (s.settings.dataset == "csv" && s.points_label.empty() && s.settings.data_file.empty())
    refuse(origin, "settings.dataset is csv but the session has no points and no data_file");
  return s;
}

Session load_session(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw Error(path + ": cannot open the session file");
  std::stringstream ss;
  ss << f.rdbuf();
  return parse_session(ss.str(), path);
}

void materialise_points(Session& s, const std::string& dir) {
  if (s.points_label.empty()) return;
  const std::string text = points_csv_text(s.points_xy, s.points_label);
  std::filesystem::create_directories(dir);
  char name[64];
  std::snprintf(name, sizeof name, "session-points-%016llx.csv", static_cast<unsigned long long>(fnv1a64(text)));
  const std::string path = dir + "/" + name;
  if (!std::filesystem::exists(path)) write_file_atomically(path, text);
  s.settings.data_file = path;
}

std::string train_command_line(const Settings& s) {
  const Settings defaults;
  std::string out = "jemlab train";
  for (const ParamSpec& p : schema()) {
    if (same_value(s, defaults, p)) continue;
    std::string v = get_param(s, p.name);
    const bool plain = !v.empty() && v.find_first_of(" \t'\"\\$`!*?;&|<>(){}[]#~") == std::string::npos;
    if (!plain) {  // single quotes keep everything; a quote inside closes, escapes and reopens
      std::string q = "'";
      for (char c : v) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
      v = q + "'";
    }
    out += " --" + p.name + " " + v;
  }
  return out;
}

}  // namespace jem::window
