#include "core/runner/timeline.h"

#include "core/jem/trainer.h"

namespace jem {

void Timeline::maybe_keep(const Trainer& t) {
  const int64_t step = t.iteration();
  if (every_ <= 0 || step % every_ != 0 || (!states_.empty() && states_.back().step >= step)) return;
  states_.push_back({step, t.serialize()});
  bytes_ += states_.back().state.size();
  while (bytes_ > max_bytes_ && states_.size() > 1) {
    bytes_ -= states_.front().state.size();
    states_.pop_front();
  }
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
