// The persistent replay buffer of SGLD samples (PCD). With n_classes K the slots are laid out
// class-wise, [y*N/K, (y+1)*N/K) for class y, so class-conditional chains continue in their own slots.
#pragma once
#include <ATen/ATen.h>

#include <string>

#include "core/jem/chain_init.h"

namespace jem {

struct ChainStart {
  at::Tensor idx;    // [B] buffer slots (undefined for short-run chains)
  at::Tensor x0;     // [B,D] starting points, reinitialised ones included
  at::Tensor age0;   // [B] SGLD steps since each start point's last reinit
};

class ReplayBuffer {
 public:
  // size is rounded down to a multiple of n_classes; 0 makes a short-run "buffer".
  void reset(int64_t size, int n_classes, const ChainInit& init, const std::string& mode, double init_noise,
             at::Generator& gen);
  int64_t size() const { return x_.defined() ? x_.size(0) : 0; }
  int n_classes() const { return n_classes_; }

  // Draws `batch` slots (from class y's slots when y is defined); each drawn sample is replaced
  // by a fresh one with probability reinit_freq. With an empty buffer every chain is fresh.
  ChainStart draw(int64_t batch, const at::Tensor& y, double reinit_freq, const ChainInit& init,
                  const std::string& mode, double init_noise, at::Generator& gen) const;
  void write_back(const ChainStart& start, const at::Tensor& x, int n_steps);

  const at::Tensor& x() const { return x_; }     // [N,D]
  const at::Tensor& age() const { return age_; } // [N] int64
  void restore(const at::Tensor& x, const at::Tensor& age, const ChainInit& init, int n_classes);

 private:
  at::Tensor x_, age_;
  int n_classes_ = 1;
};

}  // namespace jem
