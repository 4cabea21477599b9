// torch::optim::Adam with its update done in one pass per parameter (core/model/adam_kernel.h)
// where every parameter is a contiguous float tensor on the CPU; elsewhere (CUDA, bf16) torch's
// own step. The state is torch's AdamParamState under torch's keys, so saving, loading and
// resuming on either path see the same optimiser.
#pragma once
#include <torch/optim.h>

namespace jem {

class FusedAdam : public torch::optim::Adam {
 public:
  using torch::optim::Adam::Adam;
  at::Tensor step(LossClosure closure = nullptr) override;

 private:
  bool fused_applies() const;
};

}  // namespace jem
