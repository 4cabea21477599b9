// The torch internals of a Trainer. Only core's torch translation units and tests include this.
#pragma once
#include <torch/optim.h>

#include <chrono>
#include <deque>
#include <memory>
#include <string>

#include "core/data/toy2d.h"
#include "core/jem/chain_init.h"
#include "core/jem/flight_recorder.h"
#include "core/jem/replay_buffer.h"
#include "core/jem/rng.h"
#include "core/jem/sgld_graph.h"
#include "core/jem/state_history.h"
#include "core/jem/views.h"
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
  bool inline_evaluations = true;     // step() evaluates every eval_every (Trainer::evaluation)
  double wall_offset = 0;             // seconds trained before this process (resumed runs)
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();

  // The kept states (every guard_every iterations, 64 MB at most), for the divergence guard and
  // the rewind timeline alike; cleared when the run starts again. A run can drift for a while
  // before it trips, its newest states already doomed: a trip within guard_every iterations of the
  // last one rolls back to the state before the one that one used (the soak's finding: 4,591 trips
  // onto the same doomed state).
  StateHistory history;
  int64_t guard_last_trip = -1;      // the step that tripped last
  int64_t guard_last_target = -1;    // and the snapshot it rolled back to
  // The energies' running scale (a slow average of max(|f_data|, |f_q|), rising at most 1% an
  // iteration): energies 100x above it (and above 100) trip the guard long before |loss|
  // reaches guard_threshold. Kept across rollbacks.
  static constexpr double kGuardJump = 100;
  double guard_energy_scale = 0;

  // MALA's adapted step (mala_target_accept > 0), and the sgld_lr it started from: a new
  // sgld_lr starts the adaptation again. 0: not adapted, the step is sgld_lr. Saved with the state.
  double mala_step = 0, mala_step_from = 0;

  at::Tensor quadrature_grid;          // p_x_estimator quadrature: cell centres (cached per res)
  double quadrature_log_cell_area = 0;

  SgldGraph sgld_graph;               // cuda_graphs: the captured chain loop (CUDA only)
  bool resumed_across_devices = false;  // restored from another device's run: not bit-identical
  FlightRecorder recorder;            // not part of the saved state: survives rollbacks
  at::Tensor last_trajectory;         // [n_steps+1, R, D] from the last iteration
  at::Tensor last_trajectory_labels;  // [R]
};

at::Device resolve_device(const std::string& name);  // throws Error for cuda without a GPU
std::unique_ptr<torch::optim::Optimizer> make_optimizer(EnergyNet& net, const Settings& s);
// Rows [n, C*H*W] in [-1, 1] as 8-bit RGB tiles (grey images repeated on three channels).
ImageGrid image_grid_of(const at::Tensor& rows, const std::vector<int64_t>& shape);
void set_optimizer_hyper(torch::optim::Optimizer& opt, const Settings& s, double lr);

}  // namespace jem
