#include "app/panels/controls_logic.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace jem::window {

std::string knob_text(const ParamSpec& p, double value) {
  char buf[64];
  switch (p.type) {
    case ParamType::Bool: return value != 0 ? "true" : "false";
    case ParamType::Int:
      std::snprintf(buf, sizeof buf, "%.0f", std::round(std::clamp(value, p.min, p.max)));
      return buf;
    default:
      std::snprintf(buf, sizeof buf, "%.9g", std::clamp(value, p.min, p.max));
      return buf;
  }
}

Command knob_command(const ParamSpec& p, double value) {
  const double v = std::clamp(value, p.min, p.max);
  switch (p.type) {
    case ParamType::Bool: return cmd::SetParam{p.name, KnobValue(value != 0)};
    case ParamType::Int: return cmd::SetParam{p.name, KnobValue(static_cast<int>(std::lround(v)))};
    default: return cmd::SetParam{p.name, KnobValue(v)};
  }
}

Command choice_command(const ParamSpec& p, int index) {
  index = std::clamp(index, 0, static_cast<int>(p.choices.size()) - 1);
  return cmd::SetParam{p.name, KnobValue(p.choices[static_cast<size_t>(index)])};
}

int choice_index(const ParamSpec& p, const Settings& s) {
  const std::string v = get_param(s, p.name);
  const auto it = std::find(p.choices.begin(), p.choices.end(), v);
  return it == p.choices.end() ? 0 : static_cast<int>(it - p.choices.begin());
}

std::vector<std::string> knob_groups() {
  std::vector<std::string> groups;
  for (const ParamGroup& g : param_groups()) groups.push_back(g.key);
  return groups;
}

std::vector<const ParamSpec*> knobs_in_group(const std::string& group) {
  std::vector<const ParamSpec*> out;
  for (const ParamSpec& p : schema())
    if (p.group == group) out.push_back(&p);
  return out;
}

const char* group_title(const std::string& group) {
  for (const ParamGroup& g : param_groups())
    if (g.key == group) return g.title.c_str();
  return group.c_str();
}

bool applies_on_release(const ParamSpec& p) { return p.effect != Effect::Live; }

bool wants_input_field(const ParamSpec& p) {
  return p.type == ParamType::Int && !p.log_scale && p.max - p.min > 100000;
}

void PendingEdits::sent(const std::string& name, double value, Clock::time_point now) {
  pending_[name] = Entry{value, now};
}

double PendingEdits::shown(const ParamSpec& p, const Settings& published, Clock::time_point now) {
  const double live = get_number(published, p);
  const auto it = pending_.find(p.name);
  if (it == pending_.end()) return live;
  const bool arrived = std::fabs(live - it->second.value) <= 1e-9 * std::max(1.0, std::fabs(live));
  if (arrived || now - it->second.at > std::chrono::seconds(1)) {
    pending_.erase(it);  // applied, or rejected by the schema (the runner logs why)
    return live;
  }
  return it->second.value;
}

Command transport_command(Transport t, const Snapshot& s) {
  switch (t) {
    case Transport::PlayPause:
      if (s.state == RunState::Running) return cmd::Pause{};
      return cmd::Resume{};
    case Transport::Step: return cmd::Step{1};
    case Transport::Reset: return cmd::Reset{};
    case Transport::Reseed: return cmd::SetParam{"seed", KnobValue(s.settings.seed + 1)};  // restarts the run
    case Transport::NewData: return cmd::SetParam{"data_seed", KnobValue(s.settings.data_seed + 1)};
  }
  return cmd::Publish{};
}

const char* play_pause_label(const Snapshot& s) { return s.state == RunState::Running ? "Pause" : "Play"; }

std::string status_line(const Snapshot& s, double fps) {
  char buf[160];
  std::snprintf(buf, sizeof buf, "%s | step %lld | %.1f it/s | %.0f fps | %s", run_state_name(s.state),
                static_cast<long long>(s.step), s.iters_per_s, fps, s.device.c_str());
  return buf;
}

std::optional<GuardAdvice> guard_advice(const Snapshot& s) {
  if (!s.guard) return std::nullopt;
  GuardAdvice a;
  a.what = s.guard->message();
  const Settings& st = s.settings;
  // A sampler step that is too large is the usual cause on 2D data (energies explode along the
  // chains); with a modest step the optimiser's learning rate is the next suspect.
  if (st.sgld_lr > 1e-3) {
    a.knob = "sgld_lr";
    a.new_value = st.sgld_lr / 2;
    char buf[200];
    std::snprintf(buf, sizeof buf,
                  "The SGLD step is probably too large: halve sgld_lr (%.3g -> %.3g) and resume from step %lld.",
                  st.sgld_lr, a.new_value, static_cast<long long>(s.guard->rolled_back_to));
    a.suggestion = buf;
  } else if (st.lr / 2 >= find_param("lr")->min) {
    a.knob = "lr";
    a.new_value = st.lr / 2;
    char buf[200];
    std::snprintf(buf, sizeof buf, "Halve the learning rate (%.3g -> %.3g) and resume from step %lld.", st.lr,
                  a.new_value, static_cast<long long>(s.guard->rolled_back_to));
    a.suggestion = buf;
  } else {
    // Never a value outside the knob's range. With both steps this small the state kept before
    // the divergence is itself unstable: smaller steps cannot help, going back further can.
    char buf[320];
    std::snprintf(buf, sizeof buf,
                  "sgld_lr and lr are as small as they go: the state at step %lld is already unstable. Rewind to "
                  "an earlier step on the Stability tab's timeline and change a knob there (a larger "
                  "energy_reg_weight bounds the energies), or reset.",
                  static_cast<long long>(s.guard->rolled_back_to));
    a.suggestion = buf;
  }
  return a;
}

}  // namespace jem::window
