#include "core/jem/state_history.h"

#include <algorithm>

namespace jem {

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

void StateHistory::keep(int64_t step, std::string state) {
  drop_after(step);
  if (!states_.empty() && states_.back().step == step) pop_newest();
  bytes_ += state.size();
  states_.push_back({step, std::move(state)});
  while (bytes_ > max_bytes_ && states_.size() > 1) {
    // With two left (states larger than the budget) only the newest stays.
    const size_t victim = states_.size() < 3 ? 0 : timeline_victim(steps(), step);
    bytes_ -= states_[victim].state.size();
    states_.erase(states_.begin() + static_cast<std::ptrdiff_t>(victim));
  }
}

const StateHistory::Kept* StateHistory::at_or_before(int64_t step) const {
  for (auto it = states_.rbegin(); it != states_.rend(); ++it)
    if (it->step <= step) return &*it;
  return nullptr;
}

void StateHistory::pop_newest() {
  bytes_ -= states_.back().state.size();
  states_.pop_back();
}

void StateHistory::drop_after(int64_t step) {
  while (!states_.empty() && states_.back().step > step) pop_newest();
}

std::vector<int64_t> StateHistory::steps() const {
  std::vector<int64_t> out;
  for (const auto& k : states_) out.push_back(k.step);
  return out;
}

}  // namespace jem
