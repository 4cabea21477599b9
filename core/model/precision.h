// Speed options for image models: bfloat16 autocast around forward passes (weights and the
// optimiser stay fp32; logsumexp and the losses run in fp32 under autocast's own rules), and
// the channels-last memory layout for convolutions.
#pragma once
#include <torch/nn.h>

namespace jem {

// Autocast on `device`'s type for this scope when `on`; restores the previous state after.
class AutocastScope {
 public:
  AutocastScope(const at::Device& device, bool on);
  ~AutocastScope();
  AutocastScope(const AutocastScope&) = delete;
  AutocastScope& operator=(const AutocastScope&) = delete;

 private:
  bool on_ = false, prev_ = false;
  at::DeviceType type_ = at::kCPU;
};

// Whether autocast is on for `type` now (the hand-written fp32 kernels step aside when it is).
bool autocast_enabled(at::DeviceType type);

// Every 4-D parameter (convolution weights) in channels-last layout.
void to_channels_last(torch::nn::Module& m);

}  // namespace jem
