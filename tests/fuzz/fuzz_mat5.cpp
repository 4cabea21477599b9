// The level-5 MAT parser on its own: any variable name, any numeric type converted to double.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/data/images/mat5.h"
#include "core/util/error.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    const auto arrays = jem::read_mat5_arrays(
        std::string_view(reinterpret_cast<const char*>(data), size), "fuzz", {"X", "y", "a", "b"});
    for (const jem::MatArray& a : arrays) jem::mat_array_to_doubles(a);
  } catch (const jem::Error&) {
  }
  return 0;
}
