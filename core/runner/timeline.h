// Rewind and branch: whole training states kept in memory every `every` iterations, bounded by
// a byte budget (the oldest go first). Rewinding restores one exactly; changing knobs after it
// and training on is a branch. Torch-free: states are Trainer::serialize() bytes.
#pragma once
#include <cstdint>
#include <deque>
#include <string>
#include <vector>

namespace jem {

class Trainer;

class Timeline {
 public:
  Timeline(int every = 50, size_t max_bytes = size_t(256) << 20) : every_(every), max_bytes_(max_bytes) {}
  // Keeps the trainer's state when its step is a multiple of `every` (and not kept yet).
  void maybe_keep(const Trainer& t);
  // Restores the newest kept state at or before `step`; returns its step, or -1 if none.
  int64_t rewind(Trainer& t, int64_t step) const;
  // Drops states after `step` (a rewound run's old future is not a place to go back to).
  void drop_after(int64_t step);
  void clear() { states_.clear(), bytes_ = 0; }
  std::vector<int64_t> steps() const;
  size_t bytes() const { return bytes_; }

 private:
  struct Kept {
    int64_t step;
    std::string state;
  };
  std::deque<Kept> states_;
  int every_;
  size_t max_bytes_, bytes_ = 0;
};

}  // namespace jem
