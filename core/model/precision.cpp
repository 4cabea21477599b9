#include "core/model/precision.h"

#include <ATen/autocast_mode.h>
#include <torch/version.h>

namespace jem {
namespace {

// LibTorch 2.4 replaced the per-device functions by ones taking the device type.
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 4)
bool enabled(at::DeviceType t) { return at::autocast::is_autocast_enabled(t); }
void enable(at::DeviceType t, bool on) {
  at::autocast::set_autocast_enabled(t, on);
  if (on) at::autocast::set_autocast_dtype(t, at::kBFloat16);
}
#else
bool enabled(at::DeviceType t) { return t == at::kCUDA ? at::autocast::is_enabled() : at::autocast::is_cpu_enabled(); }
void enable(at::DeviceType t, bool on) {
  if (t == at::kCUDA) {
    at::autocast::set_enabled(on);
    if (on) at::autocast::set_autocast_gpu_dtype(at::kBFloat16);
  } else {
    at::autocast::set_cpu_enabled(on);
    if (on) at::autocast::set_autocast_cpu_dtype(at::kBFloat16);
  }
}
#endif

}  // namespace

bool autocast_enabled(at::DeviceType type) { return enabled(type); }

AutocastScope::AutocastScope(const at::Device& device, bool on) : on_(on), type_(device.type()) {
  if (!on_) return;
  prev_ = enabled(type_);
  enable(type_, true);
  at::autocast::increment_nesting();
}

AutocastScope::~AutocastScope() {
  if (!on_) return;
  // The cast weights are cached while nested; the outermost scope drops them.
  if (at::autocast::decrement_nesting() == 0) at::autocast::clear_cache();
  enable(type_, prev_);
}

void to_channels_last(torch::nn::Module& m) {
  torch::NoGradGuard no_grad;
  for (auto& p : m.parameters())
    if (p.dim() == 4) p.set_data(p.contiguous(at::MemoryFormat::ChannelsLast));
}

}  // namespace jem
