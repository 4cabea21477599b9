#include "core/jem/flight_recorder.h"

#include "core/util/tensor_copy.h"

namespace jem {

void FlightRecorder::set_capacity(int capacity) {
  capacity_ = std::max(0, capacity);
  while (int(ring_.size()) > capacity_) ring_.pop_front();
}

FlightEntry& FlightRecorder::add(int64_t iteration) {
  // A rolled-back run records the same iteration number again: the newer record replaces it.
  while (!ring_.empty() && ring_.back().iteration >= iteration) ring_.pop_back();
  ring_.emplace_back();
  ring_.back().iteration = iteration;
  while (int(ring_.size()) > capacity_) ring_.pop_front();
  return ring_.back();
}

const FlightEntry* FlightRecorder::find(int64_t iteration) const {
  for (const auto& e : ring_)
    if (e.iteration == iteration) return &e;
  return nullptr;
}

std::vector<int64_t> FlightRecorder::iterations() const {
  std::vector<int64_t> out;
  for (const auto& e : ring_) out.push_back(e.iteration);
  return out;
}

ChainTrace trace_view(const FlightEntry& e, const SgldTrace& tr) {
  ChainTrace v;
  v.iteration = e.iteration;
  v.n_steps = e.sgld.n_steps;
  v.n_chains = static_cast<int>(e.x0.size(0));
  v.dim = static_cast<int>(e.x0.size(1));
  v.step_size = e.sgld.step;
  v.replayable = !e.params.empty();
  if (tr.x.defined()) v.x = to_vector<float>(tr.x);
  if (tr.energy.defined()) {
    v.energy = to_vector<float>(tr.energy);
    v.grad_norm = to_vector<float>(tr.grad_norm);
    v.noise_norm = to_vector<float>(tr.noise_norm);
  }
  return v;
}

}  // namespace jem
