// Seeds of fuzz_checkpoint: real training-state payloads of small Trainers, small enough that
// one load takes milliseconds; each variant stores different records.
// Usage: fuzz_checkpoint_seeds OUT_DIR (writes OUT_DIR/checkpoint/trainer_*)
#include <cstdio>
#include <string>

#include "core/jem/trainer.h"
#include "tests/image_fixtures.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s OUT_DIR\n", argv[0]);
    return 2;
  }
  jem::Settings s;
  s.n_train = 64, s.n_test = 16, s.batch_size = 16, s.width = 8, s.depth = 1, s.n_steps = 2;
  s.buffer_size = 32, s.threads = 1, s.eval_every = 0;
  for (int v = 0; v < 3; ++v) {
    jem::Settings t = s;
    if (v == 1) t.optimizer = "sgd", t.dataset = "8gaussians";
    if (v == 2) t.buffer_size = 0, t.uncond = true;
    jem::Trainer trainer(t);
    for (int i = 0; i < 3; ++i) trainer.step();
    jem::fixtures::write_bytes(std::string(argv[1]) + "/checkpoint/trainer_" + std::to_string(v),
                               trainer.serialize());
  }
  return 0;
}
