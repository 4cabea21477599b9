// The runner's command handlers: what each UI command does on the trainer thread. One `on`
// per command type; `handle` visits them, and a failing command becomes an event, never a stop.
#include <algorithm>
#include <cmath>

#include "core/control/control.h"
#include "core/eval/robustness.h"
#include "core/io/checkpoint.h"
#include "core/jem/trainer.h"
#include "core/params/schema.h"
#include "core/runner/runner.h"
#include "core/util/error.h"

namespace jem {

using Clock = std::chrono::steady_clock;

void Runner::handle(Command& c) {
  try {
    std::visit([this](auto& command) { on(command); }, c);
  } catch (const std::exception& e) {
    event(e.what(), true);  // a bad knob or file never stops the lab
  }
}

void Runner::on(cmd::SetParam& p) {
  Settings next = trainer_->settings();
  set_value(next, param_or_throw(p.name), p.value);
  if (trainer_->apply(next)) rebuild_after_reset();
}

void Runner::on(cmd::SetSettings& ps) {
  if (trainer_->apply(ps.settings)) rebuild_after_reset();
}

void Runner::on(cmd::Pause&) {
  state_ = RunState::Paused;
  steps_left_ = 0;
}

void Runner::on(cmd::Resume&) {
  state_ = RunState::Running;
  next_.guard.reset();
}

void Runner::on(cmd::Step& st) {
  if (state_ != RunState::Running) state_ = RunState::Paused;
  steps_left_ += std::max(0, st.n);
  next_.guard.reset();
}

void Runner::on(cmd::Reset&) {
  trainer_ = std::make_unique<Trainer>(trainer_->settings());
  rebuild_after_reset();
}

void Runner::on(cmd::Save& sv) {
  save_checkpoint(*trainer_, sv.path);
  event("saved " + sv.path, false);
}

void Runner::on(cmd::Autosave& as) {
  autosave_path_ = as.path;
  autosave_every_s_ = as.path.empty() ? 0 : as.every_s;
  last_autosave_ = Clock::now();
}

void Runner::on(cmd::Load& ld) {
  trainer_ = load_checkpoint(ld.path);  // on failure the running trainer is kept
  rebuild_after_reset();
  state_ = RunState::Paused;
  event("loaded " + ld.path + " at step " + std::to_string(trainer_->iteration()), false);
}

void Runner::on(cmd::SetView& v) {
  if (!(v.box == view_) || v.res != view_res_) view_dirty_ = true;
  view_from_ui_ = true;
  view_ = v.box;
  view_res_ = std::clamp(v.res, 8, 1024);
  field_drawn_every_s_ = std::isfinite(v.drawn_every_s) ? std::clamp(v.drawn_every_s, 0.0, 10.0) : 0.0;
}

void Runner::on(cmd::SetOod& so) {
  ood_dataset_ = so.dataset;
  ood_temperature_ = so.temperature > 0 ? so.temperature : 1.0;
  eval_requested_ = true;
}

void Runner::on(cmd::Evaluate&) { eval_requested_ = true; }

void Runner::on(cmd::WatchEvaluations& w) {
  evaluations_watched_ = w.on;
  if (w.on && (!next_.eval || next_.eval->step != trainer_->iteration())) eval_requested_ = true;
}

void Runner::on(cmd::Publish&) {}  // any command publishes a snapshot after the batch

void Runner::on(cmd::SetControlJoint& cj) {
  control_ = std::make_unique<ControlTrainer>(joint_table(cj.p));  // throws Error on a bad table
  last_control_ = {};
}

void Runner::on(cmd::Rewind& rw) {
  const int64_t at = trainer_->rewind(rw.step);
  if (at < 0) throw Error("rewind: no kept state at or before step " + std::to_string(rw.step));
  next_.history.truncate_after(at);
  history_rewound();
  next_.guard.reset();
  state_ = RunState::Paused;
  steps_left_ = 0;
  view_dirty_ = true;
  event("rewound to step " + std::to_string(at) + ": change knobs and press Play to branch", false);
}

void Runner::on(cmd::SampleClasses& sc) {
  // Fresh chains (not the buffer) so that each row shows what f(x)[y] alone generates.
  auto grid = std::make_shared<ImageGrid>();
  const int per = std::clamp(sc.per_class, 1, 64), steps = std::clamp(sc.n_steps, 0, 10000);
  for (int k = 0; k < trainer_->n_classes(); ++k) {
    ImageGrid g = trainer_->sample_images(per, steps, k, /*fresh=*/true, static_cast<uint64_t>(trainer_->iteration() + k));
    if (k == 0) {
      *grid = std::move(g);
      continue;
    }
    grid->n += g.n;
    grid->rgb.insert(grid->rgb.end(), g.rgb.begin(), g.rgb.end());
    grid->label.insert(grid->label.end(), g.label.begin(), g.label.end());
    grid->pred.insert(grid->pred.end(), g.pred.begin(), g.pred.end());
  }
  next_.class_samples = std::move(grid);
}

void Runner::on(cmd::Replay& rp) { replay(rp.iteration); }

void Runner::on(cmd::EvaluateRobustness&) {
  auto v = std::make_shared<RobustnessView>();
  v->step = trainer_->iteration();
  v->eval = eval_robustness(*trainer_);
  next_.robustness = std::move(v);
}

void Runner::on(cmd::AttackPoint& ap) {
  if (trainer_->has_images()) throw Error("attack a point: 2D data only (the Robustness tab shows image tiles)");
  const double eps = std::max(0.0, ap.eps);
  if (!ap.random) {
    const LabelledPoint p = nearest_test_point(*trainer_, ap.x, ap.y);
    next_.attack = std::make_shared<const AttackPath>(attack_point(*trainer_, p.x, p.y, p.label, eps));
    return;
  }
  // A random point the attack breaks, if one of a few does: that is the path worth watching.
  AttackPath path;
  for (int tries = 0; tries < 16; ++tries) {
    const LabelledPoint p = test_point(*trainer_, attacks_++);
    path = attack_point(*trainer_, p.x, p.y, p.label, eps);
    if (!path.attack_pred.empty() && path.attack_pred.back() != path.label) break;
  }
  next_.attack = std::make_shared<const AttackPath>(std::move(path));
}

void Runner::on(cmd::LaunchChain& lc) {
  next_.launched = std::make_shared<const Trajectories>(
      trainer_->run_chain(lc.x, lc.y, lc.label, std::clamp(lc.n_steps, 1, 100000)));
}

}  // namespace jem
