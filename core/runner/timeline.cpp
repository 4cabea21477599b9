#include "core/runner/timeline.h"

#include "core/jem/trainer.h"

#include <algorithm>
#include <cstddef>

namespace jem {

void Timeline::maybe_keep(const Trainer& t) {
  const int64_t step = t.iteration();
  if (every_ <= 0 || step % every_ != 0 || (!states_.empty() && states_.back().step >= step)) return;
  states_.push_back({step, t.serialize()});
  bytes_ += states_.back().state.size();
  while (bytes_ > max_bytes_ && states_.size() > 1) {
    // With two left (states larger than the budget) only the newest stays.
    const size_t victim = states_.size() < 3 ? 0 : timeline_victim(steps(), step);
    bytes_ -= states_[victim].state.size();
    states_.erase(states_.begin() + static_cast<std::ptrdiff_t>(victim));
  }
}

size_t timeline_victim(const std::vector<int64_t>& steps, int64_t now) {
  size_t best = 1;
  double best_cost = 0;
  for (size_t i = 1; i + 1 < steps.size(); ++i) {
    // The gap left behind, per unit of age: dense old states go first; ties go to the older.
    const double gap = double(steps[i + 1] - steps[i - 1]);
    const double cost = gap / double(std::max<int64_t>(1, now - steps[i]));
    if (i == 1 || cost < best_cost) best = i, best_cost = cost;
  }
  return best;
}

int64_t Timeline::rewind(Trainer& t, int64_t step) const {
  for (auto it = states_.rbegin(); it != states_.rend(); ++it)
    if (it->step <= step) {
      t.restore(it->state, "timeline snapshot at step " + std::to_string(it->step));
      return it->step;
    }
  return -1;
}

void Timeline::drop_after(int64_t step) {
  while (!states_.empty() && states_.back().step > step) {
    bytes_ -= states_.back().state.size();
    states_.pop_back();
  }
}

std::vector<int64_t> Timeline::steps() const {
  std::vector<int64_t> out;
  for (const auto& k : states_) out.push_back(k.step);
  return out;
}

}  // namespace jem
