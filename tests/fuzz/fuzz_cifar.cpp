// CIFAR-10 and CIFAR-100 binary records: every input is parsed as both.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/data/images/image_set.h"
#include "core/util/error.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  for (auto kind : {jem::CifarKind::Cifar10, jem::CifarKind::Cifar100}) {
    try {
      jem::parse_cifar(bytes, kind, "fuzz");
    } catch (const jem::Error&) {
    }
  }
  return 0;
}
