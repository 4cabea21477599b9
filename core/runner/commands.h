// What the UI may ask of the trainer thread. Commands are queued and applied between iterations.
#pragma once
#include <string>
#include <variant>

#include "core/data/box.h"
#include "core/params/schema.h"
#include "core/params/settings.h"

namespace jem {

namespace cmd {
// One knob, as its typed value (the schema range-checks it); text only for choices, paths and
// what a person typed.
struct SetParam {
  std::string name;
  KnobValue value;
  SetParam(std::string n, KnobValue v) : name(std::move(n)), value(std::move(v)) {}
  SetParam(std::string n, const char* text) : name(std::move(n)), value(std::string(text)) {}  // never a bool
};
struct SetSettings { Settings settings; };     // many knobs at once (a preset)
struct Pause {};
struct Resume {};
struct Step { int n = 1; };                     // n iterations, then pause
struct Reset {};                                // start again from step 0
struct Save { std::string path; };
struct Load { std::string path; };
// Save the run to `path` every `every_s` seconds of wall time while it changes, and once more
// when the runner stops; an empty path or every_s <= 0 turns it off.
struct Autosave { std::string path; double every_s = 300; };
// The grid published with each snapshot; drawn_every_s: the window draws a new one at most this
// often while training, so the runner computes none faster (0: as often as its cost allows).
struct SetView { Box box; int res = 128; double drawn_every_s = 0; };
struct LaunchChain { float x = 0, y = 0; int label = -1; int n_steps = 200; };
struct Publish {};                               // publish a snapshot now
struct SetOod { std::string dataset = "uniform"; double temperature = 1.0; };  // then evaluates
struct Evaluate {};                              // calibration and OOD now
// Calibration and OOD are evaluated every eval_every only while watched (the window: while a tab
// shows them; on by default). Watched again, they are brought up to date at once.
struct WatchEvaluations { bool on = true; };
struct Rewind { int64_t step = 0; };  // back to the newest timeline state at or before step, paused
struct SampleClasses { int per_class = 8; int n_steps = 100; };  // image data: fresh chains of each class
// Run a flight-recorded iteration's chains again and compare (iteration < 0: the newest one
// recorded when the command runs; a window's view of the recorder lags a running trainer).
struct Replay { int64_t iteration = -1; };
// Robust accuracy per eps for the plain, refined and purified classifiers (the robustness knobs).
struct EvaluateRobustness {};
// One 2D test point attacked and defended, every step kept: the test point nearest (x, y), or
// (random) the next of a fixed random order over the test set that the attack breaks (of 16 tried).
struct AttackPoint { bool random = false; float x = 0, y = 0; double eps = 0.3; };
struct SetControlJoint { double p[4] = {0.25, 0.25, 0.25, 0.25}; };  // p(0,0),p(0,1),p(1,0),p(1,1); restarts it
}  // namespace cmd

using Command = std::variant<cmd::SetParam, cmd::SetSettings, cmd::Pause, cmd::Resume, cmd::Step, cmd::Reset,
                             cmd::Save, cmd::Load, cmd::SetView, cmd::LaunchChain, cmd::Publish,
                             cmd::SetOod, cmd::Evaluate, cmd::SetControlJoint, cmd::SampleClasses, cmd::Rewind,
                             cmd::Autosave, cmd::Replay, cmd::EvaluateRobustness, cmd::AttackPoint, cmd::WatchEvaluations>;

}  // namespace jem
