#include "app/panels/panel_stability.h"

#include "app/panels/density_truth.h"
#include "app/panels/flight_overlay.h"
#include "app/widgets/widgets.h"
#include "app/panels/stability_histograms.h"

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace jem::window {
namespace {

ImVec4 level_colour(Level l) {
  switch (l) {
    case Level::Ok: return ImVec4(0.35f, 0.80f, 0.45f, 1);
    case Level::Warn: return ImVec4(0.95f, 0.75f, 0.25f, 1);
    case Level::Alarm: return ImVec4(1.00f, 0.35f, 0.30f, 1);
    case Level::Unknown: break;
  }
  return ImVec4(0.55f, 0.55f, 0.60f, 1);
}

ImVec4 truth_colour(TruthLevel l) {
  return l == TruthLevel::Ok ? level_colour(Level::Ok) : l == TruthLevel::Warn ? level_colour(Level::Warn)
                                                                               : ImVec4(0.75f, 0.78f, 0.85f, 1);
}

// Which density the chains sample, and whether they have converged to it.
void draw_density_truth(const Snapshot& s) {
  ImGui::PushTextWrapPos(0);
  for (const TruthLine& line : density_truth_lines(s.settings, s.history))
    ImGui::TextColored(truth_colour(line.level), "%s", line.text.c_str());
  ImGui::PopTextWrapPos();
}

}  // namespace

void StabilityPanel::draw(LabContext& ctx) {
  const ImVec2 region = record_tab_region(ctx, "stability");
  const Snapshot& s = *ctx.snap;
  if (!s.stability) {
    ImGui::TextDisabled("waiting for the first indicators (about a second of training)");
    return;
  }
  const StabilityView& v = *s.stability;
  int alarms = 0, warnings = 0;
  for (const Indicator& ind : v.indicators) alarms += ind.level == Level::Alarm, warnings += ind.level == Level::Warn;
  const ImVec4 headline = alarms ? level_colour(Level::Alarm) : warnings ? level_colour(Level::Warn) : level_colour(Level::Ok);
  ImGui::TextColored(headline, "%s", alarms ? "Sampler in trouble: see the red lines"
                                     : warnings ? "Sampler under strain: see the amber lines"
                                                : "Sampler healthy");
  ImGui::SameLine();
  ImGui::TextDisabled("(step %lld)", static_cast<long long>(v.step));
  draw_density_truth(s);
  ImGui::Spacing();
  const float em = ImGui::GetFontSize();
  for (const Indicator& ind : v.indicators) {
    ImGui::PushID(ind.name.c_str());
    const ImVec2 p = ImGui::GetCursorScreenPos();
    const ImVec4 c = level_colour(ind.level);
    ImGui::GetWindowDrawList()->AddCircleFilled(ImVec2(p.x + 0.45f * em, p.y + 0.6f * em), 0.4f * em,
                                                ImGui::ColorConvertFloat4ToU32(c));
    ImGui::Dummy(ImVec2(1.1f * em, em));
    ImGui::SameLine();
    char value[48];
    if (std::isfinite(ind.value)) std::snprintf(value, sizeof value, "%.3g", ind.value);
    else std::snprintf(value, sizeof value, "-");
    ImGui::Text("%s", ind.name.c_str());
    // The value in its column, or right after a name too long for it (narrow windows).
    if (ImGui::GetItemRectMax().x + 0.5f * em > ImGui::GetWindowPos().x + region.x * 0.62f) ImGui::SameLine(0, 0.5f * em);
    else ImGui::SameLine(region.x * 0.62f);
    ImGui::TextColored(c, "%s  %s", value, level_name(ind.level));
    if (ImGui::IsItemHovered())
      ImGui::SetTooltip("warning at %.3g, alarm at %.3g", ind.warn, ind.alarm);
    ImGui::Indent(1.1f * em + ImGui::GetStyle().ItemSpacing.x);
    ImGui::PushTextWrapPos(0);
    ImGui::TextDisabled("%s", ind.explanation.c_str());
    ImGui::PopTextWrapPos();
    ImGui::Unindent(1.1f * em + ImGui::GetStyle().ItemSpacing.x);
    ImGui::Spacing();
    ImGui::PopID();
  }
  ImGui::Separator();
  draw_stability_histograms(ctx, v, em * 9);
  ImGui::Separator();
  ImGui::PushTextWrapPos(0);
  if (v.recorded.empty()) {
    ImGui::TextDisabled("Flight recorder off (flight_recorder = 0 in the sampler group).");
  } else {
    ImGui::TextDisabled("Flight recorder: every step of every chain of iterations %lld-%lld is kept%s.",
                        static_cast<long long>(v.recorded.front()), static_cast<long long>(v.recorded.back()),
                        s.guard ? ", the diverged one included" : "");
  }
  if (s.guard) ImGui::TextColored(level_colour(Level::Alarm), "%s", s.guard->message().c_str());
  ImGui::PopTextWrapPos();
  draw_replay(ctx, v);
  draw_traces(ctx);
  draw_timeline(ctx);
}

// Replay: run a recorded iteration's chains again (cmd::Replay) and say whether they came out
// bit for bit the same.
void StabilityPanel::draw_replay(LabContext& ctx, const StabilityView& v) {
  const Snapshot& s = *ctx.snap;
  if (v.recorded.empty()) return;
  if (ctx.replay_latest && v.recorded.back() != auto_replayed_) {  // --replay-latest (tests)
    auto_replayed_ = v.recorded.back();
    ctx.send(cmd::Replay{-1});
  }
  // While training runs, the iterations listed here are gone by the time the runner reads the
  // command (the recorder keeps only the newest few): the newest one it holds then is replayed.
  auto explain = [] {
    if (ImGui::IsItemHovered())
      ImGui::SetTooltip("Runs that iteration's chains again from the kept model, start points and random state\n"
                        "(training is not disturbed) and compares every step with the record.");
  };
  if (s.state == RunState::Running) {
    if (ImGui::Button("Replay the newest iteration")) ctx.send(cmd::Replay{-1});
    note_widget(ctx, "replay_button");
    explain();
    ImGui::SameLine();
    ImGui::TextDisabled("(pause to pick one)");
  } else {
    int64_t it = v.recorded.back();
    if (std::find(v.recorded.begin(), v.recorded.end(), replay_pick_) != v.recorded.end()) it = replay_pick_;
    char label[48];
    std::snprintf(label, sizeof label, "iteration %lld", static_cast<long long>(it));
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 8);
    if (ImGui::BeginCombo("##replay_iteration", label)) {
      for (auto r = v.recorded.rbegin(); r != v.recorded.rend(); ++r) {
        std::snprintf(label, sizeof label, "iteration %lld", static_cast<long long>(*r));
        if (ImGui::Selectable(label, *r == it)) replay_pick_ = it = *r;
      }
      ImGui::EndCombo();
    }
    ImGui::SameLine();
    std::snprintf(label, sizeof label, "Replay iteration %lld", static_cast<long long>(it));
    if (ImGui::Button(label)) ctx.send(cmd::Replay{it});
    note_widget(ctx, "replay_button");
    explain();
  }
  if (!s.replay) return;
  const ReplayView& r = *s.replay;
  const ReplayCheck& c = r.check;
  ImGui::PushTextWrapPos(0);
  if (!r.error.empty()) {
    ImGui::TextColored(level_colour(Level::Alarm), "Replay of iteration %lld failed: %s", static_cast<long long>(r.iteration),
                       r.error.c_str());
  } else if (c.identical()) {
    ImGui::TextColored(level_colour(Level::Ok), "Replayed iteration %lld: bit-identical (%d chains x %d steps)",
                       static_cast<long long>(r.iteration), c.n_chains, c.n_steps);
  } else {
    ImGui::TextColored(level_colour(Level::Warn),
                       "Replayed iteration %lld: differs (%d chains x %d steps; positions %s, energies %s, gradient "
                       "norms %s, noise norms %s; largest difference %.3g)",
                       static_cast<long long>(r.iteration), c.n_chains, c.n_steps, c.positions ? "same" : "differ",
                       c.energies ? "same" : "differ", c.grad_norms ? "same" : "differ",
                       c.noise_norms ? "same" : "differ", c.max_abs_diff);
  }
  ImGui::PopTextWrapPos();
}

// The recorded chains' traces or, after a replay, the replayed ones (a switch picks).
void StabilityPanel::draw_traces(LabContext& ctx) {
  const Snapshot& s = *ctx.snap;
  const bool have_replay = s.replay && s.replay->trace && !s.replay->trace->energy.empty();
  if (have_replay && seen_replay_.lock() != s.replay) show_replay_ = true;  // a new result: show it
  seen_replay_ = s.replay;
  const bool have_record = s.flight && !s.flight->energy.empty();
  if (have_replay && have_record) {
    char label[64];
    std::snprintf(label, sizeof label, "recorded iteration %lld", static_cast<long long>(s.flight->iteration));
    if (ImGui::RadioButton(label, !show_replay_)) show_replay_ = false;
    ImGui::SameLine();
    std::snprintf(label, sizeof label, "replay of iteration %lld", static_cast<long long>(s.replay->iteration));
    if (ImGui::RadioButton(label, show_replay_)) show_replay_ = true;
  }
  const float h = ImGui::GetFontSize() * 7;
  if (have_replay && (show_replay_ || !have_record)) {
    const ChainTrace& tr = *s.replay->trace;
    draw_flight_traces("replay", tr, "replay " + std::to_string(tr.iteration), h, ctx.flight_pick);
  } else if (have_record) {
    if (s.guard) ImGui::TextDisabled("Red on the landscape: the %d chains with the largest steps, numbered.", kHighlightedChains);
    draw_flight_traces("record", *s.flight, "iteration " + std::to_string(s.flight->iteration), h, ctx.flight_pick);
  }
}

// Rewind and branch: pick a kept state, go back to it (paused), change knobs, press Play.
void StabilityPanel::draw_timeline(LabContext& ctx) {
  const std::vector<int64_t>& steps = ctx.snap->timeline;
  ImGui::Separator();
  if (steps.empty()) {
    ImGui::TextDisabled("Timeline: no state kept yet (one every guard_every = %d iterations).",
                        ctx.snap->settings.guard_every);
    return;
  }
  const int last = static_cast<int>(steps.size()) - 1;
  int i = pick_ < 0 || pick_ > last ? last : pick_;
  char label[64];
  std::snprintf(label, sizeof label, "step %lld", static_cast<long long>(steps[size_t(i)]));
  ImGui::SetNextItemWidth(ImGui::GetContentRegionAvail().x * 0.5f);
  if (ImGui::SliderInt("##timeline", &i, 0, last, label)) pick_ = i;
  ImGui::SameLine();
  if (ImGui::Button("Rewind here")) {
    ctx.send(cmd::Rewind{steps[size_t(i)]});
    pick_ = -1;
  }
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("Restores the whole training state kept at that step (model, optimiser, buffer, RNG)\n"
                      "and pauses. Change knobs, then Play: a branch. Without changes, the run repeats exactly.");
  ImGui::TextDisabled("Timeline: %zu states kept, steps %lld-%lld.", steps.size(), static_cast<long long>(steps.front()),
                      static_cast<long long>(steps.back()));
}

}  // namespace jem::window
