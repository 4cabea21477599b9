// Your own 2D data: a CSV file of labelled points, `x0,x1,label` per row (a header line is
// optional; labels 0..K-1, every one present). Torch-free, so that it builds fast and is fuzzed.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace jem {

struct PointsTable {
  std::vector<float> xy;   // [n*2]
  std::vector<int> label;  // [n]
  int n_classes = 0;
  uint64_t content_hash = 0;  // FNV-1a of the file's bytes: a checkpoint refuses a changed file
};

constexpr size_t kMaxPointsFileBytes = size_t(256) << 20;
constexpr size_t kMaxPoints = 2000000;
constexpr int kMaxPointClasses = 16;

// Throws Error: the file that cannot be read, or "F:LINE: why" for the first bad row.
PointsTable read_points_csv(const std::string& path);
PointsTable parse_points_csv(const std::string& text, const std::string& origin);
// The same format back: a header, then one row per point (drawn data saves to it).
std::string points_csv_text(const std::vector<float>& xy, const std::vector<int>& label);
uint64_t fnv1a64(const std::string& bytes);

}  // namespace jem
