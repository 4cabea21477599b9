// SVHN's .mat files: X and y out of a level-5 MAT file, checked and converted.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/data/images/image_set.h"
#include "core/util/error.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    jem::parse_svhn_mat(std::string_view(reinterpret_cast<const char*>(data), size), "fuzz");
  } catch (const jem::Error&) {
  }
  return 0;
}
