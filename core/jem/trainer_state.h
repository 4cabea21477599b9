// The torch internals of a Trainer. Only core's torch translation units and tests include this.
#pragma once
#include <torch/optim.h>

#include <chrono>
#include <memory>
#include <string>

#include "core/data/toy2d.h"
#include "core/jem/chain_init.h"
#include "core/jem/flight_recorder.h"
#include "core/jem/replay_buffer.h"
#include "core/jem/rng.h"
#include "core/model/energy_net.h"
#include "core/params/settings.h"

namespace jem {

struct TrainerState {
  Settings s;
  at::Device device{at::kCPU};
  std::unique_ptr<Rng> rng;
  Dataset data;                     // on the CPU
  at::Tensor x_train, y_train, x_test, y_test;  // on `device`
  ChainInit init;
  ReplayBuffer buffer;
  std::shared_ptr<EnergyNet> net;
  std::unique_ptr<torch::optim::Optimizer> opt;
  int64_t step = 0;
  double wall_offset = 0;             // seconds trained before this process (resumed runs)
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();

  std::string guard_snapshot;         // serialized last good state
  int64_t guard_snapshot_step = -1;

  FlightRecorder recorder;            // not part of the saved state: survives rollbacks
  at::Tensor last_trajectory;         // [n_steps+1, R, D] from the last iteration
  at::Tensor last_trajectory_labels;  // [R]
};

at::Device resolve_device(const std::string& name);  // throws Error for cuda without a GPU
std::unique_ptr<torch::optim::Optimizer> make_optimizer(EnergyNet& net, const Settings& s);
void set_optimizer_hyper(torch::optim::Optimizer& opt, const Settings& s, double lr);

}  // namespace jem
