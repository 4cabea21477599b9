// The flight recorder: for the chains of the last K training iterations, every SGLD step of
// every chain (position, energy, gradient, drift and noise norms), plus what replaying them
// needs: the generator state before the noise was drawn, the start points, and the model as it
// was. When the divergence guard trips, the failed iteration is the newest record.
#pragma once
#include <deque>
#include <vector>

#include "core/jem/sgld.h"
#include "core/jem/views.h"

namespace jem {

struct FlightEntry {
  int64_t iteration = 0;
  at::Tensor gen_state;            // the device generator right before run_sgld
  at::Tensor x0, y;                // start points and (class-conditional) labels
  std::vector<at::Tensor> params;  // the model's parameters and buffers; empty when too large to keep
  SgldParams sgld;                 // trace pointer cleared
  bool autocast = false;
  SgldTrace trace;
};

class FlightRecorder {
 public:
  // Keeps the newest `capacity` records (0 turns it off and drops them all).
  void set_capacity(int capacity);
  int capacity() const { return capacity_; }
  FlightEntry& add(int64_t iteration);
  const FlightEntry* find(int64_t iteration) const;
  std::vector<int64_t> iterations() const;
  void clear() { ring_.clear(); }

 private:
  std::deque<FlightEntry> ring_;
  int capacity_ = 0;
};

ChainTrace trace_view(const FlightEntry& e, const SgldTrace& trace);

}  // namespace jem
