// The run's kept states, one list for two users: the divergence guard rolls back to the newest
// (or, tripping again, one further back), and the rewind timeline goes back to any of them. A
// state is kept every guard_every iterations, serialised once, within one byte budget. Over it
// the history thins out rather than forgets: the start and the newest stay, and states go where
// they are densest relative to their age, so that it stays dense near the present (where the
// guard needs it) and keeps places to go back to all along a long run. Torch-free: states are
// Trainer::serialize() bytes.
#pragma once
#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <vector>

namespace jem {

// Which kept step to drop when over budget: never the first or the last; among the others the
// one whose neighbours are closest, relative to its age (`now` - step). Needs >= 3 steps.
size_t timeline_victim(const std::vector<int64_t>& steps, int64_t now);

class StateHistory {
 public:
  struct Kept {
    int64_t step;
    std::string state;
  };
  explicit StateHistory(size_t max_bytes = size_t(64) << 20) : max_bytes_(max_bytes) {}

  // Keeps `state` as the newest (replacing one kept at the same step), then thins out over budget.
  void keep(int64_t step, std::string state);
  const Kept* at_or_before(int64_t step) const;  // the newest kept at or before step, or null
  const Kept& newest() const { return states_.back(); }
  void pop_newest();
  void drop_after(int64_t step);  // a rolled-back or rewound run's old future
  void clear() { states_.clear(), bytes_ = 0; }

  bool empty() const { return states_.empty(); }
  size_t size() const { return states_.size(); }
  size_t bytes() const { return bytes_; }
  std::vector<int64_t> steps() const;

 private:
  std::deque<Kept> states_;
  size_t max_bytes_, bytes_ = 0;
};

}  // namespace jem
