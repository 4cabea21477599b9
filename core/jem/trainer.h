// One JEM training run: data, model, optimiser, replay buffer and RNG. `step()` is one official
// iteration. Knobs change between steps without a rebuild unless the model or data must change.
// The API is torch-free (pimpl) so that the CLI and the window can hold a Trainer cheaply.
#pragma once
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/jem/views.h"
#include "core/metrics/stability.h"
#include "core/params/settings.h"

namespace jem {

struct TrainerState;  // torch internals: core/jem/trainer_state.h

class Trainer {
 public:
  explicit Trainer(const Settings& s);  // throws Error on bad settings
  ~Trainer();
  Trainer(const Trainer&) = delete;
  Trainer& operator=(const Trainer&) = delete;

  // One iteration. If the divergence guard trips, the state is rolled back to the last good
  // snapshot (knobs changed since are kept) and the event is returned in `guard` (the stats then
  // describe the failed step).
  StepStats step(std::optional<GuardEvent>* guard = nullptr);

  const Settings& settings() const;
  // Applies changed knobs: live ones at once, optimiser/buffer ones by rebuilding those,
  // data/model/device ones by starting the run again (step 0). Returns true when it restarted.
  bool apply(const Settings& next);
  int64_t iteration() const;
  int n_classes() const;
  std::string device_name() const;
  bool resumed_across_devices() const;  // restored from a run on another kind of device

  double test_accuracy();
  // The periodic evaluation at this iteration (test accuracy; in 2D the exact likelihood and the
  // sample quality), its fields alone set. step() merges it into its stats every eval_every
  // iterations unless told not to: the Runner evaluates a copy of the run on another thread.
  StepStats evaluation();
  bool evaluation_due() const;  // this iteration is one of eval_every's
  void set_inline_evaluations(bool on);
  FieldGrid field(const Box& box, int res);
  bool has_images() const;  // the data are images (no 2D field; image views instead)
  BufferView buffer_view();  // for images it also runs the model on the shown slots
  Trajectories last_trajectories() const;  // the recorded chains of the last iteration
  DataView data_view() const;
  // A fresh chain from (x, y) with the current sampler knobs; label < 0 samples p(x).
  Trajectories run_chain(float x, float y, int label, int n_steps);

  // n samples after n_steps more SGLD steps, starting from the replay buffer (from class
  // `label`'s slots when label >= 0) or, with fresh, from the init distribution. Read-only:
  // neither the buffer nor the training RNG change. Returns [n*2] positions.
  std::vector<float> sample(int n, int n_steps, int label, bool fresh, uint64_t seed);
  // The same for image data, as 8-bit tiles (label < 0: p(x); else class `label`).
  ImageGrid sample_images(int n, int n_steps, int label, bool fresh, uint64_t seed);

  // The flight recorder (flight_recorder > 0): the iterations it holds, one's chains as recorded,
  // and the same chains run again from the saved model, start points and RNG state.
  std::vector<int64_t> recorded_iterations() const;
  ChainTrace flight_record(int64_t iteration) const;  // throws Error when not held
  ChainTrace replay_chains(int64_t iteration);
  // What the stability indicators need from the model and the sampler (the gap history comes
  // from the metrics): energies of buffer, data and noise, escapes, slot agreement, and the
  // newest flight record's per-chain energies and drift/noise norms.
  StabilityInputs stability_inputs();

  // The kept states (every guard_every iterations; the guard rolls back to them): back to the
  // newest at or before `step`, paused there; returns its step, or -1 when none is kept.
  int64_t rewind(int64_t step);
  std::vector<int64_t> kept_steps() const;
  size_t kept_bytes() const;

  // The complete state (model, optimiser, buffer, RNG, step, settings) as bytes, and back. A
  // restored state drops the kept states after it and is kept itself.
  std::string serialize() const;
  // `device` non-empty: run there instead of the saved device knob (a CUDA run resumed on the CPU).
  static std::unique_ptr<Trainer> deserialize(const std::string& bytes, const std::string& origin,
                                              const std::string& device = "");
  void restore(const std::string& bytes, const std::string& origin);

  TrainerState& state() { return *st_; }  // for core and tests only
  const TrainerState& state() const { return *st_; }

 private:
  void rebuild();
  void snapshot_for_guard();
  StepStats trip_guard(StepStats st, const char* what, double value, std::optional<GuardEvent>* guard);
  std::unique_ptr<TrainerState> st_;
};

}  // namespace jem
