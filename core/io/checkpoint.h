// Checkpoint files: one file with the whole training state (model, optimiser, replay buffer,
// RNG, step, settings), framed so that truncated or foreign files are refused before any
// decoding: magic, format version, payload length and CRC-32. Written atomically.
#pragma once
#include <cstdint>
#include <memory>
#include <string>

namespace jem {

class Trainer;

void save_checkpoint(const Trainer& t, const std::string& path);
// Throws Error naming the problem. `device` non-empty: resume there (auto, cpu or cuda) instead
// of on the saved device knob.
std::unique_ptr<Trainer> load_checkpoint(const std::string& path, const std::string& device = "");
// The same from the file's bytes (the fuzzer's entry point); `origin` names them in messages.
std::unique_ptr<Trainer> load_checkpoint_bytes(const std::string& file_bytes, const std::string& origin,
                                               const std::string& device = "");

// What a restore prompt shows, without building the model or the data: checks the framing and
// CRC, then reads the step and the knobs. saved_at is the file's modification time (Unix seconds).
struct CheckpointInfo {
  int64_t step = 0;
  std::string dataset, model;
  int64_t saved_at = 0;
};
CheckpointInfo peek_checkpoint(const std::string& path);  // throws Error naming the problem

// The framing alone, for tests and other savers.
std::string frame_payload(const std::string& payload);
std::string unframe_payload(const std::string& file_bytes, const std::string& path);

}  // namespace jem
