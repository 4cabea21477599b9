#include "core/data/points_csv.h"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "core/util/error.h"

namespace jem {
namespace {

std::string trim(const std::string& s) {
  const size_t a = s.find_first_not_of(" \t\r"), b = s.find_last_not_of(" \t\r");
  return a == std::string::npos ? "" : s.substr(a, b - a + 1);
}

std::vector<std::string> split_commas(const std::string& line) {
  std::vector<std::string> out;
  size_t start = 0;
  for (;;) {
    const size_t comma = line.find(',', start);
    out.push_back(trim(line.substr(start, comma == std::string::npos ? std::string::npos : comma - start)));
    if (comma == std::string::npos) return out;
    start = comma + 1;
  }
}

bool parse_float(const std::string& s, float& out) {
  if (s.empty()) return false;
  char* end = nullptr;
  errno = 0;
  const double v = std::strtod(s.c_str(), &end);
  if (end != s.c_str() + s.size() || errno == ERANGE || !std::isfinite(v) || std::abs(v) > 1e6) return false;
  out = float(v);
  return true;
}

bool looks_like_header(const std::vector<std::string>& cells) {
  float v;
  return cells.size() == 3 && !parse_float(cells[0], v) && !parse_float(cells[1], v);
}

}  // namespace

uint64_t fnv1a64(const std::string& bytes) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : bytes) h = (h ^ c) * 1099511628211ull;
  return h;
}

PointsTable parse_points_csv(const std::string& text, const std::string& origin) {
  PointsTable t;
  t.content_hash = fnv1a64(text);
  std::istringstream in(text);
  std::string line;
  int64_t line_no = 0;
  std::vector<int64_t> class_count(kMaxPointClasses, 0);
  auto bad = [&](const std::string& why) { throw Error(origin + ":" + std::to_string(line_no) + ": " + why); };
  while (std::getline(in, line)) {
    ++line_no;
    if (trim(line).empty()) continue;
    const std::vector<std::string> cells = split_commas(line);
    if (t.label.empty() && line_no == 1 && looks_like_header(cells)) continue;
    if (cells.size() != 3) bad("expected 3 values x0,x1,label, found " + std::to_string(cells.size()));
    float x0, x1, lab;
    if (!parse_float(cells[0], x0)) bad("x0 '" + cells[0] + "' is not a finite number within +-1e6");
    if (!parse_float(cells[1], x1)) bad("x1 '" + cells[1] + "' is not a finite number within +-1e6");
    if (!parse_float(cells[2], lab) || lab != std::floor(lab) || lab < 0 || lab >= kMaxPointClasses)
      bad("label '" + cells[2] + "' is not a class 0.." + std::to_string(kMaxPointClasses - 1));
    if (t.label.size() >= kMaxPoints) bad("more than " + std::to_string(kMaxPoints) + " points");
    t.xy.push_back(x0), t.xy.push_back(x1);
    t.label.push_back(int(lab));
    ++class_count[size_t(lab)];
    t.n_classes = std::max(t.n_classes, int(lab) + 1);
  }
  if (t.label.size() < 10) throw Error(origin + ": " + std::to_string(t.label.size()) + " points; at least 10 are needed (x0,x1,label rows)");
  if (t.n_classes < 2) throw Error(origin + ": every point has label 0; at least two classes are needed");
  for (int k = 0; k < t.n_classes; ++k)
    if (class_count[size_t(k)] == 0)
      throw Error(origin + ": no point has label " + std::to_string(k) + ": labels must be 0.." +
                  std::to_string(t.n_classes - 1) + " with none missing");
  return t;
}

PointsTable read_points_csv(const std::string& path) {
  if (path.empty()) throw Error("data_file: dataset csv needs --data_file F.csv (rows x0,x1,label)");
  std::ifstream f(path, std::ios::binary | std::ios::ate);
  if (!f) throw Error(path + ": cannot open the points file (data_file)");
  const std::streamoff size = f.tellg();
  if (size < 0) throw Error(path + ": cannot read the points file");
  if (size_t(size) > kMaxPointsFileBytes)
    throw Error(path + ": " + std::to_string(size >> 20) + " MB is over the " + std::to_string(kMaxPointsFileBytes >> 20) +
                " MB a points file may have");
  std::string bytes(size_t(size), '\0');
  f.seekg(0);
  if (!f.read(bytes.data(), size)) throw Error(path + ": cannot read the points file");
  return parse_points_csv(bytes, path);
}

std::string points_csv_text(const std::vector<float>& xy, const std::vector<int>& label) {
  std::string out = "x0,x1,label\n";
  char row[96];
  for (size_t i = 0; i < label.size() && 2 * i + 1 < xy.size(); ++i) {
    std::snprintf(row, sizeof row, "%.9g,%.9g,%d\n", xy[2 * i], xy[2 * i + 1], label[i]);
    out += row;
  }
  return out;
}

}  // namespace jem
