// What the controls do, without a window: knob values to commands, transport actions, the status
// line and the divergence advice. The ImGui panel only draws widgets around these (unit-tested).
#pragma once
#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/params/schema.h"
#include "core/runner/commands.h"
#include "core/runner/snapshot.h"

namespace jem::window {

// The text SetParam expects for a knob's numeric value (ints rounded, bools as true/false).
std::string knob_text(const ParamSpec& p, double value);
Command knob_command(const ParamSpec& p, double value);
Command choice_command(const ParamSpec& p, int index);
int choice_index(const ParamSpec& p, const Settings& s);

// Schema groups in schema order ("loss", "sampler", ...), and the knobs of one group.
std::vector<std::string> knob_groups();
std::vector<const ParamSpec*> knobs_in_group(const std::string& group);
const char* group_title(const std::string& group);

// Knobs whose change restarts or rebuilds part of the run apply when the widget is released,
// not on every slider tick; live knobs apply at once.
bool applies_on_release(const ParamSpec& p);

// Slider kind for a knob: sliders for bounded ranges, a text field for seeds and huge linear ranges.
bool wants_input_field(const ParamSpec& p);

// A value sent but not yet visible in a snapshot: the widget shows it so that it does not flicker
// back for the frames until the trainer thread has applied it.
class PendingEdits {
 public:
  using Clock = std::chrono::steady_clock;
  void sent(const std::string& name, double value, Clock::time_point now = Clock::now());
  // The value a widget should show: the pending one while the snapshot disagrees (up to 1 s).
  double shown(const ParamSpec& p, const Settings& published, Clock::time_point now = Clock::now());
  size_t size() const { return pending_.size(); }

 private:
  struct Entry {
    double value;
    Clock::time_point at;
  };
  std::map<std::string, Entry> pending_;
};

enum class Transport { PlayPause, Step, Reset, Reseed, NewData };  // NewData: next data_seed
// Play/pause toggles on the published state; reseed draws the next seed.
Command transport_command(Transport t, const Snapshot& s);
const char* play_pause_label(const Snapshot& s);

// "running | step 1200 | 85.0 it/s | 60 fps | cpu"
std::string status_line(const Snapshot& s, double fps);

// After the divergence guard trips: what happened, and the knob change we suggest before resuming.
struct GuardAdvice {
  std::string what;        // the guard's message
  std::string suggestion;  // a sentence for the user
  std::string knob;        // knob to change ("" if none)
  double new_value = 0;
};
std::optional<GuardAdvice> guard_advice(const Snapshot& s);

}  // namespace jem::window
