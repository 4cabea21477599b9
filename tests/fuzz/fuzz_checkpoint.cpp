// Checkpoints. The input is a training-state payload (Trainer::serialize); it is framed here so
// that its CRC matches and the fuzzer reaches the torch archive, the settings and the restore.
// The framing itself gets the raw input too. An accepted state must also be usable: one
// training step and one sample from its replay buffer.
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/io/checkpoint.h"
#include "core/jem/trainer.h"
#include "core/util/error.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  try {
    jem::unframe_payload(bytes, "fuzz.ckpt");
  } catch (const jem::Error&) {
  }
  try {
    const auto trainer = jem::load_checkpoint_bytes(jem::frame_payload(bytes), "fuzz.ckpt");
    trainer->step();
    trainer->sample(2, 1, -1, false, 1);
  } catch (const jem::Error&) {
  }
  return 0;
}
