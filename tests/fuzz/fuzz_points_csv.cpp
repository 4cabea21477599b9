// The points reader (dataset csv, drawn data, a session's points). An accepted input must read
// back the same through the format it writes (points_csv_text).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "core/data/points_csv.h"
#include "core/util/error.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  jem::PointsTable t;
  try {
    t = jem::parse_points_csv(text, "fuzz");
  } catch (const jem::Error&) {
    return 0;
  }
  const jem::PointsTable back = jem::parse_points_csv(jem::points_csv_text(t.xy, t.label), "round trip");
  if (back.xy != t.xy || back.label != t.label || back.n_classes != t.n_classes) std::abort();
  return 0;
}
