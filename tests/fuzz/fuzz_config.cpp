// JSON config files (--config, config.json of a run, a checkpoint's settings). An accepted
// input must also survive the round trip through settings_to_json unchanged.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "core/params/config_file.h"
#include "core/util/error.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  jem::Settings s;
  try {
    s = jem::settings_from_json(text, jem::Settings{}, "fuzz");
  } catch (const jem::Error&) {
    return 0;
  }
  if (jem::settings_from_json(jem::settings_to_json(s), jem::Settings{}, "round trip") != s) std::abort();
  return 0;
}
