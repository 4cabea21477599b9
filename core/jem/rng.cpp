#include "core/jem/rng.h"

#include <ATen/CPUGeneratorImpl.h>

#include "core/util/error.h"

#include <cstring>
#include <mutex>

namespace jem {

Rng::Rng(uint64_t seed, at::Device device)
    : device_(device), cpu_(at::make_generator<at::CPUGeneratorImpl>(seed)) {
  if (device.is_cpu()) {
    dev_ = cpu_;
  } else {
    // A private generator of the device's type: clone the default one and reseed it.
    dev_ = at::globalContext().defaultGenerator(device).clone();
    dev_.set_current_seed(seed);
  }
}

at::Tensor Rng::state() const {
  at::Tensor c = cpu_.get_state();
  if (device_.is_cpu()) return c;
  at::Tensor d = dev_.get_state();
  // [len(c) as 8 bytes][c][d]
  int64_t n = c.numel();
  at::Tensor len = at::from_blob(&n, {8}, at::kByte).clone();
  return at::cat({len, c, d});
}

bool Rng::set_state(const at::Tensor& packed) {
  at::Tensor p = packed.to(at::kCPU).contiguous();
  if (p.scalar_type() != at::kByte) throw Error("RNG state: wrong tensor type");
  const int64_t cpu_bytes = cpu_.get_state().numel();
  const bool saved_on_cpu = p.numel() == cpu_bytes;  // state() of a CPU run: the CPU state alone
  if (saved_on_cpu) {
    cpu_.set_state(p);
    if (device_.is_cpu()) return true;
    dev_.set_current_seed(draw_seed());
    return false;
  }
  if (p.numel() < 8) throw Error("RNG state: too short");
  int64_t n = 0;
  std::memcpy(&n, p.data_ptr<uint8_t>(), 8);
  if (n != cpu_bytes || n + 8 >= p.numel()) throw Error("RNG state: bad length");
  cpu_.set_state(p.narrow(0, 8, n).clone());
  if (device_.is_cpu()) return false;  // the saved device stream has no use here
  dev_.set_state(p.narrow(0, 8 + n, p.numel() - 8 - n).clone());
  return true;
}

uint64_t Rng::draw_seed() {
  std::lock_guard<std::mutex> lock(cpu_.mutex());
  return cpu_.get<at::CPUGeneratorImpl>()->random64();
}

at::Generator copy_generator(const at::Generator& g) {
  if (!g.device().is_cpu()) return g.clone();  // CUDA builds use LibTorch 2.x
  at::Generator c = at::make_generator<at::CPUGeneratorImpl>();
  c.set_state(g.get_state());
  return c;
}

}  // namespace jem
