// Rewind and branch: whole training states kept in memory every `every` iterations, bounded by
// a byte budget. Over budget, the timeline thins out rather than forgets: the start and the
// newest state stay, and states go where they are densest relative to their age, so a long run
// keeps places to go back to all along it, closer together near the present. Rewinding restores
// one exactly; changing knobs after it and training on is a branch. Torch-free header: states
// are Trainer::serialize() bytes.
#pragma once
#include <cstdint>
#include <deque>
#include <string>
#include <vector>

namespace jem {

class Trainer;

// Which kept step to drop when over budget: never the first or the last; among the others the
// one whose neighbours are closest, relative to its age (`now` - step). Needs >= 3 steps.
size_t timeline_victim(const std::vector<int64_t>& steps, int64_t now);

class Timeline {
 public:
  Timeline(int every = 50, size_t max_bytes = size_t(64) << 20) : every_(every), max_bytes_(max_bytes) {}
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
