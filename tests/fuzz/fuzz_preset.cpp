// Preset files (assets/presets/*.json): knob values plus a title and a description.
#include <cstddef>
#include <cstdint>
#include <string>

#include "app/panels/presets.h"
#include "core/util/error.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    jem::window::parse_preset(text, "fuzz", jem::window::window_base_settings(), "fuzz.json");
  } catch (const jem::Error&) {
  }
  return 0;
}
