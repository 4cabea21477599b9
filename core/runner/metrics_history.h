// Append-only history of StepStats that snapshots share cheaply: full chunks are immutable and
// shared by pointer, so publishing a snapshot copies at most one chunk, not the whole history.
#pragma once
#include <memory>
#include <vector>

#include "core/jem/views.h"

namespace jem {

class MetricsHistory {
 public:
  static constexpr size_t kChunk = 1024;

  void push(const StepStats& s);
  void clear() { *this = MetricsHistory{}; }
  size_t size() const { return sealed_.size() * kChunk + tail_.size(); }
  bool empty() const { return size() == 0; }
  const StepStats& operator[](size_t i) const {
    return i / kChunk < sealed_.size() ? (*sealed_[i / kChunk])[i % kChunk] : tail_[i - sealed_.size() * kChunk];
  }
  const StepStats& back() const { return (*this)[size() - 1]; }
  // Drops rows after `step` (a rollback or a loaded checkpoint rewinds the run).
  void truncate_after(int64_t step);

 private:
  std::vector<std::shared_ptr<const std::vector<StepStats>>> sealed_;
  std::vector<StepStats> tail_;
};

}  // namespace jem
