// Read-only views of a Trainer for the window and the CLI: grids, buffer, chains, test accuracy.
#include <ATen/CPUGeneratorImpl.h>
#include <torch/nn.h>

#include "core/jem/sampler.h"
#include "core/model/make_model.h"
#include "core/model/precision.h"
#include "core/jem/trainer.h"
#include "core/jem/chain_temperature.h"
#include "core/jem/trainer_state.h"
#include "core/jem/memory_estimate.h"
#include "core/util/error.h"
#include "core/util/memory_budget.h"
#include "core/util/tensor_copy.h"

namespace jem {
namespace {

constexpr int kBufferGridImages = 64;

std::vector<int> predictions(TrainerState& t, const at::Tensor& rows) {
  torch::NoGradGuard no_grad;
  t.net->eval();
  at::Tensor pred = t.net->logits(rows.to(t.device)).argmax(1);
  t.net->train();
  return to_ints(pred);
}

// n slots spread evenly over the buffer, so that every class's slots are represented.
at::Tensor spread_slots(int64_t size, int64_t n) {
  return (at::arange(n, at::kDouble) * (double(size) / double(n))).floor().to(at::kLong);
}

}  // namespace

// Rows [n, C*H*W] in [-1,1] -> 8-bit RGB tiles.
ImageGrid image_grid_of(const at::Tensor& rows, const std::vector<int64_t>& shape) {
  ImageGrid g;
  const int64_t n = rows.size(0), c = shape[0], h = shape[1], w = shape[2];
  at::Tensor img = rows.detach().to(at::kCPU, at::kFloat).view({n, c, h, w});
  if (c == 1) img = img.expand({n, 3, h, w});
  img = img.narrow(1, 0, 3).permute({0, 2, 3, 1}).add(1.0).mul(127.5).clamp(0, 255).round().to(at::kByte).contiguous();
  g.n = static_cast<int>(n);
  g.height = static_cast<int>(h);
  g.width = static_cast<int>(w);
  g.rgb = to_vector<uint8_t>(img);
  return g;
}


double Trainer::test_accuracy() {
  TrainerState& t = *st_;
  torch::NoGradGuard no_grad;
  t.net->eval();
  int64_t correct = 0;
  const int64_t n = t.x_test.size(0), chunk = t.data.is_image() ? 256 : 8192;
  for (int64_t i = 0; i < n; i += chunk) {
    const int64_t m = std::min(chunk, n - i);
    at::Tensor pred = t.net->logits(t.x_test.narrow(0, i, m)).argmax(1);
    correct += (pred == t.y_test.narrow(0, i, m)).sum().item<int64_t>();
  }
  t.net->train();
  return n ? double(correct) / double(n) : kNaN;
}

namespace {

constexpr int kDriftRes = 24;  // arrows per side: readable at 1280x800, dense enough to show the flow

void add_drift(TrainerState& t, FieldGrid& g) {
  const Box& box = g.box;
  auto opt = at::TensorOptions().dtype(at::kFloat).device(t.device);
  at::Tensor xs = box.x0 + (at::arange(kDriftRes, opt) + 0.5) * (box.width() / kDriftRes);
  at::Tensor ys = box.y0 + (at::arange(kDriftRes, opt) + 0.5) * (box.height() / kDriftRes);
  at::Tensor pts = at::stack({xs.repeat({kDriftRes}), ys.repeat_interleave(kDriftRes)}, 1);
  torch::AutoGradMode grad_on(true);  // field() runs without gradients; a model's score may use autograd
  t.net->eval();
  at::Tensor grad = t.net->score(pts, at::Tensor()).first.detach();
  t.net->train();
  g.drift_step = sampler_step(t);
  g.noise_std = t.s.sampler == "mala" ? std::sqrt(2.0 * g.drift_step) : langevin_noise_std(t.s);
  g.drift_res = kDriftRes;
  g.drift = to_vector<float>((grad * g.drift_step).to(at::kFloat));
}

}  // namespace

FieldGrid Trainer::field(const Box& box, int res) {
  TrainerState& t = *st_;
  if (t.data.is_image()) throw Error("the energy landscape needs 2D data (" + t.data.name + " has images)");
  torch::NoGradGuard no_grad;
  FieldGrid g;
  g.box = box;
  g.res = res;
  g.n_classes = t.data.n_classes;
  g.beta = chains_beta(t.s);
  auto opt = at::TensorOptions().dtype(at::kFloat).device(t.device);
  // Cell centres, y outer and x inner.
  at::Tensor xs = box.x0 + (at::arange(res, opt) + 0.5) * (box.width() / res);
  at::Tensor ys = box.y0 + (at::arange(res, opt) + 0.5) * (box.height() / res);
  at::Tensor pts = at::stack({xs.repeat({res}), ys.repeat_interleave(res)}, 1);
  t.net->eval();
  NetOutput out = t.net->forward_all(pts);
  t.net->train();
  g.neg_energy = to_vector<float>(out.neg_energy);
  g.logits = to_vector<float>(out.logits);
  g.probs = to_vector<float>(at::softmax(out.logits, 1));
  add_drift(t, g);
  return g;
}

bool Trainer::has_images() const { return st_->data.is_image(); }

BufferView Trainer::buffer_view() {
  TrainerState& t = *st_;
  BufferView v;
  v.size = t.buffer.size();
  if (t.buffer.size() == 0) return v;
  const int64_t n = t.buffer.size(), per = n / t.buffer.n_classes();
  if (t.data.is_image()) {
    at::Tensor slots = spread_slots(n, std::min<int64_t>(n, kBufferGridImages)).to(t.buffer.x().device());
    v.images = image_grid_of(t.buffer.x().index_select(0, slots), t.data.image_shape);
    v.images.age = to_ints(t.buffer.age().index_select(0, slots));
    for (int64_t i : to_vector<int64_t>(slots.cpu())) v.images.label.push_back(static_cast<int>(i / per));
    v.images.pred = predictions(t, t.buffer.x().index_select(0, slots));
    return v;
  }
  v.xy = to_vector<float>(t.buffer.x());
  v.age = to_ints(t.buffer.age());
  v.slot_class.resize(n);
  for (int64_t i = 0; i < n; ++i) v.slot_class[i] = static_cast<int>(i / per);
  return v;
}

Trajectories Trainer::last_trajectories() const {
  const TrainerState& t = *st_;
  Trajectories tr;
  if (!t.last_trajectory.defined()) return tr;
  tr.n_steps = static_cast<int>(t.last_trajectory.size(0)) - 1;
  tr.n_chains = static_cast<int>(t.last_trajectory.size(1));
  if (t.data.is_image()) {
    tr.film = image_grid_of(t.last_trajectory.select(1, 0), t.data.image_shape);  // chain 0, every step
  } else {
    tr.xy = to_vector<float>(t.last_trajectory);
  }
  tr.label = t.last_trajectory_labels.defined() ? to_ints(t.last_trajectory_labels) : std::vector<int>(tr.n_chains, -1);
  return tr;
}

DataView Trainer::data_view() const {
  const TrainerState& t = *st_;
  DataView d;
  d.box = t.data.box;
  d.n_classes = t.data.n_classes;
  d.has_true_density = bool(t.data.log_p_true);
  if (t.data.is_image()) {
    const int64_t n = std::min<int64_t>(t.data.x_train.size(0), kBufferGridImages);
    d.images = image_grid_of(t.data.x_train.narrow(0, 0, n), t.data.image_shape);
    d.images.label = to_ints(t.data.y_train.narrow(0, 0, n));
    d.image_shape = t.data.image_shape;
    return d;
  }
  d.xy = to_vector<float>(t.data.x_train);
  d.label = to_ints(t.data.y_train);
  return d;
}

Trajectories Trainer::run_chain(float x, float y, int label, int n_steps) {
  TrainerState& t = *st_;
  if (t.data.is_image()) throw Error("chains launched at a point need 2D data");
  auto fopt = at::TensorOptions().dtype(at::kFloat).device(t.device);
  at::Tensor x0 = at::tensor({x, y}, fopt).reshape({1, 2});
  at::Tensor lab = label >= 0 ? at::full({1}, label, fopt.dtype(at::kLong)) : at::Tensor();
  SgldParams p = sgld_params(t, 1);
  p.n_steps = n_steps;
  EnergyNet& net = *t.net;
  ScoreFn score = [&net](const at::Tensor& xx, const at::Tensor& yy) { return net.score(xx, yy); };
  // A private generator: launching a chain from the window must not change the training's RNG.
  Rng rng(static_cast<uint64_t>(t.step) * 7919u + 17u, t.device);
  net.eval();
  SgldResult r = run_sgld(score, x0, lab, p, rng.dev());
  net.train();
  Trajectories tr;
  tr.n_steps = n_steps;
  tr.n_chains = 1;
  tr.xy = to_vector<float>(r.trajectory);
  tr.label = {label};
  return tr;
}

std::vector<float> Trainer::sample(int n, int n_steps, int label, bool fresh, uint64_t seed) {
  TrainerState& t = *st_;
  const Settings& s = t.s;
  if (label >= t.data.n_classes) throw Error("class: " + std::to_string(label) + " is not a class of this model (0.." +
                                             std::to_string(t.data.n_classes - 1) + ")");
  check_memory(std::to_string(n) + " chains of " + std::to_string(t.data.dim()) + " values through model " + s.model,
               sampling_bytes(s, {t.data.dim(), t.data.image_shape, t.data.n_classes}, n), "ask for fewer samples");
  Rng rng(seed, t.device);
  at::Tensor y = label >= 0 ? at::full({n}, label, at::TensorOptions().dtype(at::kLong).device(t.device)) : at::Tensor();
  at::Tensor x0;
  if (fresh || t.buffer.size() == 0) {
    x0 = t.init.sample(n, y, s.sgld_init, s.init_noise, rng.dev());
  } else {
    x0 = t.buffer.draw(n, y, /*reinit_freq=*/0.0, t.init, s.sgld_init, s.init_noise, rng.dev()).x0;
  }
  SgldParams p = sgld_params(t, 0);
  p.n_steps = n_steps;
  EnergyNet& net = *t.net;
  ScoreFn score = [&net](const at::Tensor& xx, const at::Tensor& yy) { return net.score(xx, yy); };
  net.eval();
  SgldResult r = run_sgld(score, x0, y, p, rng.dev());
  net.train();
  return to_vector<float>(r.x);
}

ImageGrid Trainer::sample_images(int n, int n_steps, int label, bool fresh, uint64_t seed) {
  TrainerState& t = *st_;
  if (!t.data.is_image()) throw Error("sample_images: " + t.data.name + " has 2D points, not images");
  std::vector<float> rows = sample(n, n_steps, label, fresh, seed);
  at::Tensor x = at::from_blob(rows.data(), {n, t.data.dim()}, at::kFloat);
  ImageGrid g = image_grid_of(x, t.data.image_shape);
  g.pred = predictions(t, x);
  g.label.assign(size_t(n), label);
  return g;
}

}  // namespace jem

namespace jem {

std::vector<int64_t> Trainer::recorded_iterations() const { return st_->recorder.iterations(); }

ChainTrace Trainer::flight_record(int64_t iteration) const {
  const FlightEntry* e = st_->recorder.find(iteration);
  if (!e) throw Error("flight recorder: iteration " + std::to_string(iteration) + " is not recorded");
  return trace_view(*e, e->trace);
}

ChainTrace Trainer::replay_chains(int64_t iteration) {
  TrainerState& t = *st_;
  const FlightEntry* e = t.recorder.find(iteration);
  if (!e) throw Error("flight recorder: iteration " + std::to_string(iteration) + " is not recorded");
  if (e->params.empty()) throw Error("flight recorder: the model is too large to have been kept for replay");
  // A second model with the recorded weights; the training model is left alone.
  at::Generator scratch = copy_generator(t.rng->cpu());
  std::shared_ptr<EnergyNet> net = make_model(t.s, t.data, scratch);
  net->to(t.device);
  if (t.s.channels_last) to_channels_last(*net);
  {
    torch::NoGradGuard no_grad;
    auto dst = net->parameters();
    auto bufs = net->buffers();
    dst.insert(dst.end(), bufs.begin(), bufs.end());
    if (dst.size() != e->params.size()) throw Error("flight recorder: the model changed since iteration " + std::to_string(iteration));
    for (size_t i = 0; i < dst.size(); ++i) dst[i].copy_(e->params[i]);
  }
  net->eval();
  at::Generator gen = copy_generator(t.rng->dev());
  gen.set_state(e->gen_state);
  SgldParams p = e->sgld;
  SgldTrace trace;
  trace.keep_x = e->trace.keep_x;
  p.trace = &trace;
  ScoreFn score = [&net](const at::Tensor& x, const at::Tensor& y) { return net->score(x, y); };
  {
    AutocastScope autocast(t.device, e->autocast);
    run_sgld(score, e->x0, e->y, p, gen);
  }
  return trace_view(*e, trace);
}

}  // namespace jem

namespace jem {

StabilityInputs Trainer::stability_inputs() {
  TrainerState& t = *st_;
  StabilityInputs in;
  torch::NoGradGuard no_grad;
  at::Generator g = at::make_generator<at::CPUGeneratorImpl>(static_cast<uint64_t>(t.step) + 99);
  // The mean over all of x for the indicator; the first kEnergySamples (x is a random subset)
  // for the histograms, from the same forward pass.
  auto mean_energy = [&](const at::Tensor& x, std::vector<double>& some) {
    t.net->eval();
    const at::Tensor neg = t.net->forward_all(x).neg_energy;
    t.net->train();
    some = to_vector<double>(-neg.narrow(0, 0, std::min<int64_t>(neg.size(0), kEnergySamples)).to(at::kDouble));
    return -neg.mean().item<double>();
  };
  auto subsample = [&](const at::Tensor& x, int64_t n) {
    if (x.size(0) <= n) return x;
    return x.index_select(0, at::randint(x.size(0), {n}, g).to(x.device()));
  };
  const int64_t n = t.data.is_image() ? 128 : 1024;
  in.data_energy = mean_energy(subsample(t.x_test, n), in.data_energies);
  in.noise_energy = mean_energy(t.init.lo() + (t.init.hi() - t.init.lo()) * at::rand({n, t.data.dim()}, g).to(t.device),
                                in.noise_energies);
  if (t.buffer.size() > 0) {
    at::Tensor bx = subsample(t.buffer.x(), n);
    in.buffer_energy = mean_energy(bx, in.buffer_energies);
    in.buffer_ages = to_vector<int64_t>(t.buffer.age().to(at::kLong));
    at::Tensor outside = ((t.buffer.x() < t.init.lo()) | (t.buffer.x() > t.init.hi())).any(1);
    in.outside_box = outside.to(at::kDouble).mean().item<double>();
    if (t.s.class_cond_p_x_sample) {
      const int K = t.data.n_classes;
      const int64_t per = t.buffer.size() / K;
      t.net->eval();
      for (int k = 0; k < K; ++k) {
        at::Tensor xs = subsample(t.buffer.x().narrow(0, k * per, per), 256);
        in.slot_agreement.push_back((t.net->logits(xs).argmax(1) == k).to(at::kDouble).mean().item<double>());
      }
      t.net->train();
    }
  } else {
    in.buffer_energy = kNaN;
  }
  const auto its = t.recorder.iterations();
  if (!its.empty()) {
    const FlightEntry* e = t.recorder.find(its.back());
    const SgldTrace& tr = e->trace;
    if (tr.energy.defined() && tr.energy.size(0) > 0) {
      const int64_t chains = std::min<int64_t>(tr.energy.size(1), 64);
      at::Tensor en = tr.energy.narrow(1, 0, chains).t().to(at::kDouble).contiguous().cpu();
      for (int64_t c = 0; c < chains; ++c) in.chain_energies.push_back(to_vector<double>(en[c]));
      in.mean_drift = e->sgld.step * tr.grad_norm.to(at::kDouble).mean().item<double>();
      in.mean_noise = tr.noise_norm.to(at::kDouble).mean().item<double>();
    }
  }
  return in;
}

}  // namespace jem
