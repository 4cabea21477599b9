// All randomness of a run flows through generators the run owns, never torch's global one:
// a checkpoint stores their state to resume bit-identically, and two runs side by side
// (A/B, sweeps) never disturb each other.
#pragma once
#include <ATen/ATen.h>

#include <cstdint>

namespace jem {

class Rng {
 public:
  Rng(uint64_t seed, at::Device device);
  at::Generator& cpu() { return cpu_; }
  at::Generator& dev() { return dev_; }  // same object as cpu() on a CPU run
  at::Device device() const { return device_; }

  at::Tensor state() const;  // both states packed into one byte tensor
  // Restores state(). A state saved on another kind of device (a CUDA run resumed on the CPU or
  // the other way round) restores the CPU stream only and seeds the device's from it: returns
  // false then, since that resume cannot be bit-identical.
  bool set_state(const at::Tensor& packed);

 private:
  uint64_t draw_seed();  // from the CPU stream
  at::Device device_;
  at::Generator cpu_;
  at::Generator dev_;
};

// A copy of `g` with the same state. LibTorch 1.13's Generator::clone() leaks the copy (it
// starts with weak count 0, so the last release never frees it; fixed in 2.0): CPU
// generators are copied through their state instead.
at::Generator copy_generator(const at::Generator& g);

}  // namespace jem
