// The complete training state as bytes (a torch archive): checkpoints, guard rollbacks, rewind.
#include <torch/optim.h>
#include <torch/serialize.h>
#include <torch/version.h>

#include <set>
#include <sstream>

#include "core/io/archive_check.h"
#include "core/jem/optimizer_state.h"
#include "core/jem/trainer.h"
#include "core/jem/trainer_state.h"
#include "core/params/config_file.h"
#include "core/util/error.h"

namespace jem {
namespace {

constexpr int64_t kStateFormat = 1;

}  // namespace

std::string Trainer::serialize() const {
  const TrainerState& t = *st_;
  torch::serialize::OutputArchive ar;
  ar.write("format", c10::IValue(kStateFormat));
  ar.write("settings", c10::IValue(settings_to_json(t.s, -1)));
  ar.write("step", c10::IValue(t.step));
  const double wall = t.wall_offset + std::chrono::duration<double>(std::chrono::steady_clock::now() - t.started).count();
  ar.write("wall", c10::IValue(wall));
  torch::serialize::OutputArchive model, optim;
  t.net->save(model);
  t.opt->save(optim);
  ar.write("model", model);
  ar.write("optimizer", optim);
  ar.write("has_buffer", c10::IValue(t.buffer.size() > 0));
  if (t.buffer.size() > 0) {
    ar.write("buffer_x", t.buffer.x().to(at::kCPU));
    ar.write("buffer_age", t.buffer.age().to(at::kCPU));
  }
  ar.write("rng", t.rng->state());
  if (t.data.content_hash != 0)  // csv data: the file it was trained on
    ar.write("data_hash", c10::IValue(static_cast<int64_t>(t.data.content_hash)));
  if (t.mala_step > 0) {  // only runs that adapt MALA's step have one (older readers skip it)
    ar.write("mala_step", c10::IValue(t.mala_step));
    ar.write("mala_step_from", c10::IValue(t.mala_step_from));
  }
  std::ostringstream out;
  ar.save_to(out);
  return out.str();
}

namespace {

// On damaged bytes LibTorch's readers throw c10::Error, but its unpickler also std::out_of_range
// and others (found by fuzzing): each one becomes an Error naming the file.
std::string torch_message(const std::exception& e) {
  if (const auto* c = dynamic_cast<const c10::Error*>(&e)) return c->what_without_backtrace();
  return e.what();
}

torch::serialize::InputArchive open_archive(const std::string& bytes, const std::string& origin) {
  check_torch_archive(bytes, origin);
  torch::serialize::InputArchive ar;
  try {
    ar.load_from(bytes.data(), bytes.size(), at::kCPU);
  } catch (const std::exception& e) {
    throw Error(origin + ": not a readable training state (" + torch_message(e) + ")");
  }
  return ar;
}

c10::IValue read_value(torch::serialize::InputArchive& ar, const char* key, const std::string& origin) {
  c10::IValue v;
  bool found = false;
  try {
    found = ar.try_read(key, v);
  } catch (const std::exception& e) {
    throw Error(origin + ": training state has an unreadable '" + key + "' (" + torch_message(e) + ")");
  }
  if (!found) throw Error(origin + ": training state lacks '" + std::string(key) + "'");
  return v;
}

Settings read_settings(torch::serialize::InputArchive& ar, const std::string& origin) {
  c10::IValue fmt = read_value(ar, "format", origin);
  if (!fmt.isInt() || fmt.toInt() != kStateFormat)
    throw Error(origin + ": training state of an unknown format version");
  c10::IValue js = read_value(ar, "settings", origin);
  if (!js.isString()) throw Error(origin + ": settings are not text");
  return settings_from_json(js.toStringRef(), Settings{}, origin + " (settings)", /*repeated_keys_ok=*/true);
}

// LibTorch takes a saved tensor's offset and strides from the pickle without checking them
// against its storage, so reading one could read past it (found by fuzzing): each tensor read
// must be a plain strided tensor inside its storage.
void check_in_bounds(const at::Tensor& x, const std::string& what, const std::string& origin) {
  if (!x.defined()) return;
  const auto bad = [&] { return Error(origin + ": training state's " + what + " lies outside its data"); };
  if (x.layout() != at::kStrided || x.is_quantized() || x.storage_offset() < 0) throw bad();
  if (x.numel() == 0) return;
  int64_t last = x.storage_offset(), step = 0;
  for (int64_t d = 0; d < x.dim(); ++d)
    if (x.stride(d) < 0 || __builtin_mul_overflow(x.size(d) - 1, x.stride(d), &step) ||
        __builtin_add_overflow(last, step, &last))
      throw bad();
  int64_t bytes = 0;
  if (__builtin_mul_overflow(last + 1, int64_t(x.element_size()), &bytes) || uint64_t(bytes) > x.storage().nbytes())
    throw bad();
}

// LibTorch loads an optimiser's moments without comparing them with the parameters, and its
// step() then throws mid-training (found by fuzzing): each moment must be shaped like its
// parameter. The step counts must be sane too (Adam's bias correction divides by 1 - beta^step).
void check_optimizer_state(torch::optim::Optimizer& opt, const std::string& origin) {
  auto like = [&](const at::Tensor& moment, const at::Tensor& p, const char* what) {
    check_in_bounds(moment, std::string("optimiser ") + what, origin);
    if (moment.defined() && (moment.sizes() != p.sizes() || moment.scalar_type() != p.scalar_type()))
      throw Error(origin + ": training state's optimiser " + what + " does not match its parameter");
  };
  for (auto& group : opt.param_groups())
    for (const at::Tensor& p : group.params()) {
      auto it = opt.state().find(state_key(p));
      if (it == opt.state().end()) continue;
      if (const auto* a = dynamic_cast<const torch::optim::AdamParamState*>(it->second.get())) {
        like(a->exp_avg(), p, "first moment"), like(a->exp_avg_sq(), p, "second moment");
        like(a->max_exp_avg_sq(), p, "max second moment");
        if (!a->exp_avg().defined() || !a->exp_avg_sq().defined())
          throw Error(origin + ": training state's optimiser lacks a moment of a parameter");
        if (a->step() < 0) throw Error(origin + ": training state's optimiser has a negative step count");
      } else if (const auto* m = dynamic_cast<const torch::optim::SGDParamState*>(it->second.get())) {
        like(m->momentum_buffer(), p, "momentum");
        if (!m->momentum_buffer().defined())
          throw Error(origin + ": training state's optimiser lacks the momentum of a parameter");
      }
    }
}

// The archive is read on the CPU: a CUDA run's moments go back onto their parameter's device.
void on_device_of(torch::optim::OptimizerParamState& state, const at::Tensor& param) {
  const auto move = [&](const at::Tensor& x) { return x.defined() ? x.to(param.device()) : x; };
  if (auto* a = dynamic_cast<torch::optim::AdamParamState*>(&state)) {
    a->exp_avg(move(a->exp_avg()));
    a->exp_avg_sq(move(a->exp_avg_sq()));
    a->max_exp_avg_sq(move(a->max_exp_avg_sq()));
  } else if (auto* m = dynamic_cast<torch::optim::SGDParamState*>(&state)) {
    m->momentum_buffer(move(m->momentum_buffer()));
  }
}

// LibTorch's Optimizer::load maps the saved states to the parameters through their saved keys,
// which 1.13 writes as hexadecimal addresses and 2.x parses as decimal: a 1.13 checkpoint loaded
// on 2.6 gave every parameter the same state (found by the cross-release fixtures). The layout
// is the same in both, so we map the keys ourselves, as strings. The saved options are skipped:
// the knobs win.
void load_optimizer_state(torch::optim::Optimizer& opt, torch::serialize::InputArchive& ar, bool adam,
                          const std::string& origin) {
  torch::serialize::InputArchive groups, states;
  ar.read("param_groups", groups);
  ar.read("state", states);
  at::Tensor n_groups;
  groups.read("param_groups/size", n_groups);
  if (n_groups.numel() != 1 || n_groups.item<int64_t>() != int64_t(opt.param_groups().size()))
    throw Error(origin + ": training state's optimiser has other parameter groups than its model");
  std::set<std::string> seen;
  for (size_t g = 0; g < opt.param_groups().size(); ++g) {
    torch::serialize::InputArchive group;
    groups.read("param_groups/" + std::to_string(g), group);
    at::Tensor n_params;
    group.read("params/size", n_params);
    const std::vector<at::Tensor>& params = opt.param_groups()[g].params();
    if (n_params.numel() != 1 || n_params.item<int64_t>() != int64_t(params.size()))
      throw Error(origin + ": training state's optimiser has other parameters than its model");
    for (size_t i = 0; i < params.size(); ++i) {
      c10::IValue key;
      group.read("params/" + std::to_string(i), key);
      if (!key.isString()) throw Error(origin + ": training state's optimiser has a malformed parameter key");
      // A parameter listed twice would share one state (LibTorch left the second empty; fuzzing).
      if (!seen.insert(key.toStringRef()).second)
        throw Error(origin + ": training state's optimiser lists a parameter twice");
      torch::serialize::InputArchive saved;
      if (!states.try_read(key.toStringRef(), saved)) continue;  // no step taken for it yet
      std::unique_ptr<torch::optim::OptimizerParamState> state;
      if (adam) state = std::make_unique<torch::optim::AdamParamState>();
      else state = std::make_unique<torch::optim::SGDParamState>();
      state->serialize(saved);
      on_device_of(*state, params[i]);
      opt.state()[state_key(params[i])] = std::move(state);
    }
  }
}

}  // namespace

std::unique_ptr<Trainer> Trainer::deserialize(const std::string& bytes, const std::string& origin,
                                              const std::string& device) {
  torch::serialize::InputArchive ar = open_archive(bytes, origin);
  Settings s = read_settings(ar, origin);
  if (!device.empty()) s.device = device;
  auto trainer = std::make_unique<Trainer>(s);
  trainer->state().history.clear();  // its own start is not the loaded run's
  trainer->restore(bytes, origin);
  return trainer;
}

void Trainer::restore(const std::string& bytes, const std::string& origin) {
  TrainerState& t = *st_;
  torch::serialize::InputArchive ar = open_archive(bytes, origin);
  Settings s = read_settings(ar, origin);
  s.device = t.s.device;  // a state goes onto this trainer's device (CUDA runs resume on the CPU)
  if (s != t.s) apply(s);  // rebuilds what the saved settings need
  c10::IValue data_hash;
  if (ar.try_read("data_hash", data_hash) &&
      (!data_hash.isInt() || static_cast<uint64_t>(data_hash.toInt()) != t.data.content_hash))
    throw Error(origin + ": it was trained on another version of " + t.s.data_file +
                " (the file's content changed since): put the original file back, or train afresh on this one");
  try {
    torch::serialize::InputArchive model, optim;
    ar.read("model", model);
    ar.read("optimizer", optim);
    // LibTorch's Module::load takes each saved tensor's shape as it comes (set_), and a wrong
    // one only threw in the next forward pass (found by fuzzing): every shape must be the model's.
    const auto tensors = [&] {
      auto all = t.net->parameters();
      for (const at::Tensor& b : t.net->buffers()) all.push_back(b);
      return all;
    };
    std::vector<std::vector<int64_t>> shapes, strides;
    std::vector<at::ScalarType> types;
    for (const at::Tensor& x : tensors())
      shapes.push_back(x.sizes().vec()), strides.push_back(x.strides().vec()), types.push_back(x.scalar_type());
    t.net->load(model);
    const auto loaded = tensors();
    for (size_t i = 0; i < loaded.size(); ++i) {
      const std::string what = "model tensor " + std::to_string(i);
      check_in_bounds(loaded[i], what, origin);
      if (loaded[i].sizes().vec() != shapes[i] || loaded[i].scalar_type() != types[i])
        throw Error(origin + ": training state's " + what + " does not match its settings");
      // The hand-written kernels read weights in the model's own layout; a saved tensor with
      // other strides (in bounds, even zero) is copied into it (the MLP's read past one; fuzzing).
      if (loaded[i].strides().vec() != strides[i]) {
        at::NoGradGuard no_grad;
        loaded[i].set_data(at::empty_strided(shapes[i], strides[i], loaded[i].options()).copy_(loaded[i]));
      }
    }
    t.net->to(t.device);
    t.opt = make_optimizer(*t.net, t.s);
    load_optimizer_state(*t.opt, optim, t.s.optimizer != "sgd", origin);
    check_optimizer_state(*t.opt, origin);
    if (read_value(ar, "has_buffer", origin).toBool()) {
      at::Tensor x, age;
      ar.read("buffer_x", x);
      ar.read("buffer_age", age);
      check_in_bounds(x, "replay buffer", origin), check_in_bounds(age, "replay buffer ages", origin);
      try {
        t.buffer.restore(x.to(t.device), age.to(t.device), t.init, t.data.n_classes);
      } catch (const Error& e) {
        throw Error(origin + ": training state's " + e.what());
      }
    } else {
      t.buffer.restore(at::Tensor(), at::Tensor(), t.init, t.data.n_classes);
    }
    at::Tensor rng;
    ar.read("rng", rng);
    check_in_bounds(rng, "random state", origin);
    try {
      t.resumed_across_devices = !t.rng->set_state(rng);
    } catch (const Error& e) {
      throw Error(origin + ": training state's " + e.what());
    }
    const c10::IValue step = read_value(ar, "step", origin), wall = read_value(ar, "wall", origin);
    if (!step.isInt() || !wall.isDouble()) throw Error(origin + ": training state has a malformed step or time");
    t.step = step.toInt();
    t.wall_offset = wall.toDouble();
    t.mala_step = t.mala_step_from = 0;
    c10::IValue mala_step, mala_from;
    if (ar.try_read("mala_step", mala_step) && ar.try_read("mala_step_from", mala_from)) {
      if (!mala_step.isDouble() || !mala_from.isDouble() || !(mala_step.toDouble() > 0) ||
          !(mala_step.toDouble() <= 100))
        throw Error(origin + ": training state has a malformed MALA step");
      t.mala_step = mala_step.toDouble(), t.mala_step_from = mala_from.toDouble();
    }
  } catch (const Error&) {
    throw;
  } catch (const std::exception& e) {
    throw Error(origin + ": training state does not match its settings (" + torch_message(e) + ")");
  }
  t.started = std::chrono::steady_clock::now();
  t.history.drop_after(t.step);
  if (t.history.empty() || t.history.newest().step != t.step) t.history.keep(t.step, bytes);
  t.guard_last_trip = -1, t.guard_last_target = -1, t.guard_energy_scale = 0;
}

}  // namespace jem
