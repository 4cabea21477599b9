// The complete training state as bytes (a torch archive): checkpoints, guard rollbacks, rewind.
#include <torch/serialize.h>

#include <sstream>

#include "core/io/archive_check.h"
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
  return settings_from_json(js.toStringRef(), Settings{}, origin + " (settings)");
}

}  // namespace

std::unique_ptr<Trainer> Trainer::deserialize(const std::string& bytes, const std::string& origin) {
  torch::serialize::InputArchive ar = open_archive(bytes, origin);
  auto trainer = std::make_unique<Trainer>(read_settings(ar, origin));
  trainer->restore(bytes, origin);
  return trainer;
}

void Trainer::restore(const std::string& bytes, const std::string& origin) {
  TrainerState& t = *st_;
  torch::serialize::InputArchive ar = open_archive(bytes, origin);
  Settings s = read_settings(ar, origin);
  if (s != t.s) apply(s);  // rebuilds what the saved settings need
  try {
    torch::serialize::InputArchive model, optim;
    ar.read("model", model);
    ar.read("optimizer", optim);
    t.net->load(model);
    t.net->to(t.device);
    t.opt = make_optimizer(*t.net, t.s);
    t.opt->load(optim);
    if (read_value(ar, "has_buffer", origin).toBool()) {
      at::Tensor x, age;
      ar.read("buffer_x", x);
      ar.read("buffer_age", age);
      t.buffer.restore(x.to(t.device), age.to(t.device), t.data.n_classes);
    } else {
      t.buffer.restore(at::Tensor(), at::Tensor(), t.data.n_classes);
    }
    at::Tensor rng;
    ar.read("rng", rng);
    t.rng->set_state(rng);
    const c10::IValue step = read_value(ar, "step", origin), wall = read_value(ar, "wall", origin);
    if (!step.isInt() || !wall.isDouble()) throw Error(origin + ": training state has a malformed step or time");
    t.step = step.toInt();
    t.wall_offset = wall.toDouble();
  } catch (const Error&) {
    throw;
  } catch (const std::exception& e) {
    throw Error(origin + ": training state does not match its settings (" + torch_message(e) + ")");
  }
  t.started = std::chrono::steady_clock::now();
  t.guard_snapshot = bytes;
  t.guard_snapshot_step = t.step;
}

}  // namespace jem
