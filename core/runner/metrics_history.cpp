#include "core/runner/metrics_history.h"

#include <atomic>

namespace jem {

uint64_t MetricsHistory::next_revision() {
  static std::atomic<uint64_t> counter{0};
  return ++counter;
}

void MetricsHistory::push(const StepStats& s) {
  revision_ = next_revision();
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

bool MetricsHistory::merge_evaluation(const StepStats& eval) {
  // Rows are in step order: the step's row is found by bisection.
  size_t lo = 0, hi = size();
  while (lo < hi) {
    const size_t mid = (lo + hi) / 2;
    if ((*this)[mid].step < eval.step) lo = mid + 1;
    else hi = mid;
  }
  if (lo == size() || (*this)[lo].step != eval.step) return false;
  std::vector<StepStats>* rows = &tail_;
  size_t at = lo - sealed_.size() * kChunk;
  if (lo / kChunk < sealed_.size()) {  // a shared chunk: amend a copy
    auto copy = std::make_shared<std::vector<StepStats>>(*sealed_[lo / kChunk]);
    rows = copy.get(), at = lo % kChunk;
    sealed_[lo / kChunk] = copy;
  }
  jem::merge_evaluation((*rows)[at], eval);
  revision_ = next_revision();
  return true;
}

}  // namespace jem
