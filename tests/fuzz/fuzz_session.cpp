// Session files (jemlab --session): accepted or refused by name. An accepted session saved again
// must read back to the same file (session_json is a fixed point).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "app/window/session_file.h"
#include "core/util/error.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  jem::window::Session s;
  try {
    s = jem::window::parse_session(text, "fuzz");
  } catch (const jem::Error&) {
    return 0;
  }
  const std::string saved = jem::window::session_json(s);
  if (jem::window::session_json(jem::window::parse_session(saved, "round trip")) != saved) std::abort();
  return 0;
}
