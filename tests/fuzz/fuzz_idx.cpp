// IDX images + labels (MNIST), from bytes; the input holds both files (see two_files.h).
#include <cstddef>
#include <cstdint>

#include "core/data/images/image_set.h"
#include "core/util/error.h"
#include "tests/fuzz/two_files.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto [images, labels] = jem::fuzz::split_two(data, size);
  try {
    jem::parse_idx(images, labels, "images", "labels", "mnist");
  } catch (const jem::Error&) {
  }
  return 0;
}
