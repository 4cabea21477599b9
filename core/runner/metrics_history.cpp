#include "core/runner/metrics_history.h"

namespace jem {

void MetricsHistory::push(const StepStats& s) {
  tail_.push_back(s);
  if (tail_.size() == kChunk) {
    sealed_.push_back(std::make_shared<const std::vector<StepStats>>(std::move(tail_)));
    tail_.clear();
  }
}

void MetricsHistory::truncate_after(int64_t step) {
  size_t keep = size();
  while (keep > 0 && (*this)[keep - 1].step > step) --keep;
  if (keep == size()) return;
  std::vector<StepStats> rows;
  rows.reserve(keep);
  for (size_t i = 0; i < keep; ++i) rows.push_back((*this)[i]);
  clear();
  for (const auto& r : rows) push(r);
}

}  // namespace jem
