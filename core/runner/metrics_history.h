// Append-only history of StepStats that snapshots share cheaply: full chunks are immutable and
// shared by pointer, so publishing a snapshot copies at most one chunk, not the whole history.
// A row can still be amended (an evaluation that finished after its step was pushed): its chunk
// is copied first, so snapshots already published keep theirs.
#pragma once
#include <cstdint>
#include <memory>
#include <vector>

#include "core/jem/views.h"

namespace jem {

class MetricsHistory {
 public:
  static constexpr size_t kChunk = 1024;

  void push(const StepStats& s);
  void clear() { *this = MetricsHistory{}; }
  // Merges an evaluation into the row of its step; false when no row has that step.
  bool merge_evaluation(const StepStats& eval);
  // Changes with every push, merge, truncation or clear, never back to an earlier value (across
  // histories too): a view built from a history is current while the revision is the same.
  uint64_t revision() const { return revision_; }
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
  uint64_t revision_ = next_revision();
  static uint64_t next_revision();
};

}  // namespace jem
