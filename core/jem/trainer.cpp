#include "core/jem/trainer.h"

#include <ATen/Parallel.h>
#include <torch/cuda.h>

#include <cmath>

#include "core/eval/evaluate.h"
#include "core/eval/quadrature.h"
#include "core/jem/memory_estimate.h"
#include "core/jem/objective.h"
#include "core/jem/fused_adam.h"
#include "core/jem/sampler.h"
#include "core/jem/trainer_state.h"
#include "core/data/augment.h"
#include "core/model/make_model.h"
#include "core/model/precision.h"
#include "core/params/schema.h"
#include "core/util/error.h"
#include "core/util/run_threads.h"
#include "core/util/memory_budget.h"

namespace jem {

std::string GuardEvent::message() const {
  char buf[256];
  std::snprintf(buf, sizeof buf, "divergence at step %lld: %s = %g; rolled back to step %lld",
                static_cast<long long>(step), quantity.c_str(), value, static_cast<long long>(rolled_back_to));
  return buf;
}

void merge_evaluation(StepStats& row, const StepStats& eval) {
  row.test_acc = eval.test_acc, row.test_nll = eval.test_nll, row.kl_true = eval.kl_true;
  row.test_nll_chains = eval.test_nll_chains, row.kl_chains = eval.kl_chains;
  row.mmd2 = eval.mmd2, row.mode_share_min = eval.mode_share_min, row.mode_share_max = eval.mode_share_max;
  row.buffer_kl = eval.buffer_kl, row.probe_kl = eval.probe_kl, row.probe_kl_floor = eval.probe_kl_floor;
}

at::Device resolve_device(const std::string& name) {
  if (name == "cpu") return at::kCPU;
  const bool gpu = torch::cuda::is_available();
  if (name == "cuda" && !gpu) throw Error("device: cuda was asked for but no CUDA GPU is available");
  return gpu ? at::Device(at::kCUDA, 0) : at::Device(at::kCPU);
}

std::unique_ptr<torch::optim::Optimizer> make_optimizer(EnergyNet& net, const Settings& s) {
  if (s.optimizer == "sgd")
    return std::make_unique<torch::optim::SGD>(
        net.parameters(), torch::optim::SGDOptions(s.lr).momentum(s.momentum).weight_decay(s.weight_decay));
  return std::make_unique<FusedAdam>(
      net.parameters(), torch::optim::AdamOptions(s.lr).betas({0.9, 0.999}).weight_decay(s.weight_decay));
}

void set_optimizer_hyper(torch::optim::Optimizer& opt, const Settings& s, double lr) {
  for (auto& group : opt.param_groups()) {
    if (auto* a = dynamic_cast<torch::optim::AdamOptions*>(&group.options())) {
      a->lr(lr).weight_decay(s.weight_decay);
    } else if (auto* g = dynamic_cast<torch::optim::SGDOptions*>(&group.options())) {
      g->lr(lr).momentum(s.momentum).weight_decay(s.weight_decay);
    }
  }
}

// Knob combinations that only the data can rule out.
void check_data_combination(const Settings& s, const Dataset& d) {
  if (s.p_x_estimator == "quadrature" && d.is_image())
    throw Error("p_x_estimator: quadrature needs 2D data (" + d.name +
                " has images, whose normaliser no grid can sum); use sgld");
}

namespace {

DataShape shape_of(const Dataset& d) { return {d.dim(), d.image_shape, d.n_classes}; }

// Before the buffer and the model are built: a run that cannot fit is refused with its estimate.
void check_run_fits(const Settings& s, const Dataset& d) {
  char what[160];
  std::snprintf(what, sizeof what, "this run (buffer_size %lld x %lld values, batch_size %lld, model %s)",
                static_cast<long long>(s.buffer_size), static_cast<long long>(d.dim()),
                static_cast<long long>(s.batch_size), s.model.c_str());
  check_memory(what, training_bytes(s, shape_of(d)), "lower buffer_size or batch_size, or pick a smaller model");
}

}  // namespace

Trainer::Trainer(const Settings& s) : st_(std::make_unique<TrainerState>()) {
  validate(s);
  st_->s = s;
  rebuild();
}

Trainer::~Trainer() = default;

const Settings& Trainer::settings() const { return st_->s; }
int64_t Trainer::iteration() const { return st_->step; }
int Trainer::n_classes() const { return st_->data.n_classes; }
std::string Trainer::device_name() const { return st_->device.str(); }
bool Trainer::resumed_across_devices() const { return st_->resumed_across_devices; }

void Trainer::rebuild() {
  TrainerState& t = *st_;
  const Settings& s = t.s;
  at::set_num_threads(run_threads(s));
  t.device = resolve_device(s.device);
  t.rng = std::make_unique<Rng>(static_cast<uint64_t>(s.seed), t.device);
  t.data = make_dataset(s);
  check_data_combination(s, t.data);
  check_run_fits(s, t.data);
  t.x_train = t.data.x_train.to(t.device);
  t.y_train = t.data.y_train.to(t.device);
  t.x_test = t.data.x_test.to(t.device);
  t.y_test = t.data.y_test.to(t.device);
  auto [lo, hi] = chain_box(t.data);
  t.init = ChainInit(t.x_train, t.y_train, t.data.n_classes, lo, hi);
  t.net = make_model(s, t.data, t.rng->cpu());
  t.net->to(t.device);
  if (s.channels_last) to_channels_last(*t.net);
  t.opt = make_optimizer(*t.net, s);
  t.buffer.reset(s.buffer_size, t.data.n_classes, t.init, s.sgld_init, s.init_noise, t.rng->dev());
  t.step = 0;
  t.wall_offset = 0;
  t.started = std::chrono::steady_clock::now();
  t.last_trajectory = at::Tensor();
  t.last_trajectory_labels = at::Tensor();
  t.mala_step = t.mala_step_from = 0;
  t.quadrature_grid = at::Tensor();
  // A new run: the old run's states and trips mean nothing for it.
  t.history.clear();
  t.guard_last_trip = t.guard_last_target = -1, t.guard_energy_scale = 0;
  snapshot_for_guard();
}

bool Trainer::apply(const Settings& next) {
  validate(next);
  TrainerState& t = *st_;
  bool reset = false, optimizer = false, buffer = false;
  for (const auto& p : schema()) {
    if (same_value(t.s, next, p)) continue;
    reset |= p.resets_run;
    optimizer |= p.effect == Effect::Optimizer;
    buffer |= p.effect == Effect::Buffer;
  }
  if (!reset) check_data_combination(next, t.data), check_run_fits(next, t.data);
  t.s = next;
  if (reset) {
    rebuild();
    return true;
  }
  at::set_num_threads(run_threads(next));
  if (optimizer) t.opt = make_optimizer(*t.net, next);
  if (buffer) t.buffer.reset(next.buffer_size, t.data.n_classes, t.init, next.sgld_init, next.init_noise, t.rng->dev());
  if (optimizer || buffer) snapshot_for_guard();
  return false;
}

void Trainer::snapshot_for_guard() { st_->history.keep(st_->step, serialize()); }

int64_t Trainer::rewind(int64_t step) {
  const StateHistory::Kept* k = st_->history.at_or_before(step);
  if (!k) return -1;
  const int64_t at = k->step;
  const std::string bytes = k->state;  // restore() trims the history this lives in
  restore(bytes, "kept state at step " + std::to_string(at));
  return at;
}

std::vector<int64_t> Trainer::kept_steps() const { return st_->history.steps(); }
size_t Trainer::kept_bytes() const { return st_->history.bytes(); }

namespace {

double item_or_nan(const at::Tensor& t) { return t.defined() ? t.item<double>() : kNaN; }

double grad_norm(EnergyNet& net) {
  double sq = 0;
  for (const auto& p : net.parameters())
    if (p.grad().defined()) sq += p.grad().pow(2).sum().item<double>();
  return std::sqrt(sq);
}

// A minibatch of data, augmented and noised as the knobs say, and the quadrature grid when the
// p(x) term is exact.
JemBatch draw_batch(TrainerState& t) {
  const Settings& s = t.s;
  at::Generator& gen = t.rng->dev();
  JemBatch b;
  at::Tensor idx = at::randint(t.x_train.size(0), {s.batch_size}, gen, t.y_train.options());
  b.x = t.x_train.index_select(0, idx);
  b.y = t.y_train.index_select(0, idx);
  if (t.data.is_image() && s.augment) b.x = augment_images(b.x, t.data.image_shape, t.data.flip_ok, gen);
  if (s.sigma > 0) b.x = b.x + s.sigma * at::randn(b.x.sizes(), gen, b.x.options());
  if (s.p_x_estimator == "quadrature" && (s.p_x_weight > 0 || s.p_x_y_weight > 0)) {
    if (!t.quadrature_grid.defined() || t.quadrature_grid.size(0) != int64_t(s.quadrature_res) * s.quadrature_res) {
      const Box box = likelihood_box(t.data.box);
      t.quadrature_grid = grid_centres(box, s.quadrature_res, t.x_train.options());
      t.quadrature_log_cell_area = std::log(double(box.width()) * box.height() / (double(s.quadrature_res) * s.quadrature_res));
    }
    b.grid = t.quadrature_grid;
    b.log_cell_area = t.quadrature_log_cell_area;
  }
  return b;
}

// The negative samples: x ~ q(x) from the buffer for p(x), x ~ q(x|y) for p(x|y). With the
// quadrature estimator the chains still run, for the buffer and the views, but their samples
// stay out of the loss.
void draw_negatives(TrainerState& t, JemBatch& b, StepStats& st) {
  const Settings& s = t.s;
  const bool exact = s.p_x_estimator == "quadrature";
  const int64_t B = s.batch_size;
  if (s.p_x_weight > 0) {
    at::Tensor y_q;
    if (s.class_cond_p_x_sample) y_q = at::randint(t.data.n_classes, {B}, t.rng->dev(), b.y.options());
    Samples q = sample_q(t, y_q, B, s.record_chains, /*flight=*/true);
    if (!exact) b.x_q = q.x;
    st.sgld_grad_norm = q.mean_grad_norm;
    st.accept_rate = q.accept_rate;
    st.sampler_step = q.step;
    t.last_trajectory = q.trajectory;
    t.last_trajectory_labels = y_q.defined() && q.trajectory.defined() ? y_q.narrow(0, 0, q.trajectory.size(1))
                                                                       : at::Tensor();
  }
  if (s.p_x_y_weight > 0 && !exact) {
    Samples q = sample_q(t, b.y, B, 0);
    b.x_qy = q.x;
    if (std::isnan(st.sgld_grad_norm)) st.sgld_grad_norm = q.mean_grad_norm, st.sampler_step = q.step;
    if (std::isnan(st.accept_rate)) st.accept_rate = q.accept_rate;
  }
}

void record_loss(const JemLoss& L, StepStats& st) {
  st.loss = L.total.item<double>();
  st.l_px = item_or_nan(L.l_px);
  st.l_pyx = item_or_nan(L.l_pyx);
  st.l_pxy = item_or_nan(L.l_pxy);
  st.l_reg = item_or_nan(L.l_reg);
  st.acc = item_or_nan(L.acc);
  st.f_data = item_or_nan(L.f_data);
  st.f_q = item_or_nan(L.f_q);
  st.gap = st.f_data - st.f_q;
}

// The energy-scale alarm: the larger |f| of data and samples against a slow average whose rise
// is capped at 1% an iteration. Energies growing exponentially (a sampler running away) soon
// stand 100x above it, while healthy training's drift is followed. Returns the scale when it trips.
std::optional<double> energy_scale_alarm(TrainerState& t, const StepStats& st) {
  const double scale = std::max(std::isfinite(st.f_data) ? std::abs(st.f_data) : 0.0,
                                std::isfinite(st.f_q) ? std::abs(st.f_q) : 0.0);
  const double base = t.guard_energy_scale;
  if (base > 0 && scale > TrainerState::kGuardJump * std::max(1.0, base)) return scale;
  t.guard_energy_scale = base > 0 ? base + 0.01 * (std::min(scale, 2 * base) - base) : std::max(scale, 1e-3);
  return std::nullopt;
}

}  // namespace

StepStats Trainer::trip_guard(StepStats st, const char* what, double value, std::optional<GuardEvent>* guard) {
  TrainerState& t = *st_;
  // Tripping again before getting clear of the last trip: the snapshot that retry started from
  // is doomed too, and so is any it took since; go one further back (the first stays).
  const bool again = t.guard_last_trip >= 0 && st.step <= t.guard_last_trip + t.s.guard_every;
  while (again && t.history.size() > 1 && t.history.newest().step >= t.guard_last_target) t.history.pop_newest();
  const double energy_scale = t.guard_energy_scale;
  const std::string target = t.history.newest().state;  // restore() trims the history this lives in
  GuardEvent ev{st.step, what, value, t.history.newest().step};
  // The rollback brings back the model, optimiser, buffer and RNG, not the knobs: a change made
  // since the snapshot (the guard's advice after an earlier trip, say) must survive, or a run
  // that trips again before the next snapshot undoes the advice and trips forever.
  const Settings knobs = t.s;
  restore(target, "in-memory rollback snapshot");
  if (t.s != knobs) apply(knobs);
  t.guard_last_trip = st.step, t.guard_last_target = ev.rolled_back_to, t.guard_energy_scale = energy_scale;
  if (guard) *guard = ev;
  st.wall_s = t.wall_offset + std::chrono::duration<double>(std::chrono::steady_clock::now() - t.started).count();
  return st;
}

// The periodic evaluation: test accuracy, and in 2D the exact likelihood on a modest grid
// (~20k forward passes, a few iterations' worth) with the sample-quality figures.
StepStats Trainer::evaluation() {
  StepStats st;
  st.step = st_->step;
  st.test_acc = test_accuracy();
  if (st_->data.is_image()) return st;
  const DensityEval d = eval_density(*this, 128, st_->s.probe_steps);
  const LikelihoodEval& e = d.likelihood;
  st.test_nll = e.test_nll;
  st.test_nll_chains = e.test_nll_chains;
  if (e.has_truth) st.kl_true = e.kl, st.kl_chains = e.kl_chains;
  const SampleQualityEval& q = d.samples;
  st.mmd2 = q.mmd2, st.mode_share_min = q.mode_share_min, st.mode_share_max = q.mode_share_max;
  st.buffer_kl = q.buffer_kl, st.probe_kl = q.probe_kl, st.probe_kl_floor = q.probe_kl_floor;
  return st;
}

void Trainer::set_inline_evaluations(bool on) { st_->inline_evaluations = on; }

bool Trainer::evaluation_due() const { return st_->s.eval_every > 0 && st_->step % st_->s.eval_every == 0; }

StepStats Trainer::step(std::optional<GuardEvent>* guard) {
  TrainerState& t = *st_;
  const Settings& s = t.s;
  const double lr = s.warmup_iters > 0 ? s.lr * std::min(1.0, double(t.step + 1) / s.warmup_iters) : s.lr;
  set_optimizer_hyper(*t.opt, s, lr);
  StepStats st;
  st.step = t.step + 1;
  st.lr = lr;

  JemBatch b = draw_batch(t);
  draw_negatives(t, b, st);
  t.net->train();
  JemLoss L;
  {
    AutocastScope autocast(t.device, s.amp == "bf16");  // forward only: backward runs outside, as in torch.amp
    L = jem_loss(*t.net, b, s);
  }
  record_loss(L, st);
  if (!std::isfinite(st.loss) || std::abs(st.loss) > s.guard_threshold) return trip_guard(st, "loss", st.loss, guard);
  if (const auto scale = energy_scale_alarm(t, st))
    return trip_guard(st, "energy scale (100x its running average)", *scale, guard);

  // Every loss weight at 0 (each knob allows it) leaves nothing to learn: the iteration counts,
  // the model stays (backward on a constant would throw; found by fuzzing).
  if (has_gradient(L)) {
    t.opt->zero_grad();
    backward(*t.net, L);
    st.grad_norm = grad_norm(*t.net);
    if (!std::isfinite(st.grad_norm)) return trip_guard(st, "gradient norm", st.grad_norm, guard);
    t.opt->step();
  } else {
    st.grad_norm = 0;
  }
  t.step += 1;
  if (t.inline_evaluations && evaluation_due()) merge_evaluation(st, evaluation());
  if (t.step % s.guard_every == 0) snapshot_for_guard();
  st.wall_s = t.wall_offset + std::chrono::duration<double>(std::chrono::steady_clock::now() - t.started).count();
  if (guard) guard->reset();
  return st;
}

}  // namespace jem
