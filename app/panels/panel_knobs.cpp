#include "app/panels/panel_knobs.h"
#include "app/widgets/widgets.h"

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <exception>

#include "app/window/export_logic.h"
#include "app/window/session_file.h"

namespace jem::window {
namespace {

ImVec4 state_color(RunState s) {
  switch (s) {
    case RunState::Running: return ImVec4(0.45f, 0.85f, 0.45f, 1);
    case RunState::Paused: return ImVec4(0.95f, 0.8f, 0.35f, 1);
    default: return ImVec4(1.0f, 0.4f, 0.35f, 1);
  }
}


}  // namespace

void KnobsPanel::draw_status(LabContext& ctx) {
  const Snapshot& s = *ctx.snap;
  ImGui::TextColored(state_color(s.state), "%s", status_line(s, ctx.fps).c_str());
  // Five buttons on one row, each its label's width plus an equal share of the rest; where the
  // labels do not fit (a narrow column) they take two rows (3 + 2) rather than clip "New data".
  const char* labels[] = {play_pause_label(s), "Step", "Reset", "Reseed", "New data"};
  const ImGuiStyle& st = ImGui::GetStyle();
  const float avail = ImGui::GetContentRegionAvail().x;
  float natural[5], total = 4 * st.ItemSpacing.x;
  for (int i = 0; i < 5; ++i) total += natural[i] = ImGui::CalcTextSize(labels[i]).x + 2 * st.FramePadding.x;
  const int first_row = total <= avail ? 5 : 3;
  auto button = [&](int i) {
    const int begin = i < first_row ? 0 : first_row, end = i < first_row ? first_row : 5;
    float used = (end - begin - 1) * st.ItemSpacing.x;
    for (int k = begin; k < end; ++k) used += natural[k];
    if (i != begin) ImGui::SameLine();
    return ImGui::Button(labels[i], ImVec2(natural[i] + std::max(0.0f, avail - used) / (end - begin), 0));
  };
  if (button(0)) ctx.send(transport_command(Transport::PlayPause, s));
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Space");
  if (button(1)) ctx.send(transport_command(Transport::Step, s));
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("One training iteration, then pause (S)");
  if (button(2)) ctx.send(transport_command(Transport::Reset, s));
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Start again from step 0 with the same knobs (R)");
  if (button(3)) ctx.send(transport_command(Transport::Reseed, s));
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Start again with the next seed (seed %d)", s.settings.seed + 1);
  if (button(4)) ctx.send(transport_command(Transport::NewData, s));
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("Regenerate the dataset with the next data seed (data_seed %d) and start again",
                      s.settings.data_seed + 1);
  // The newest error from the runner (a rejected knob, an unreadable checkpoint).
  for (auto it = s.events.rbegin(); it != s.events.rend(); ++it) {
    if (it->step + 200 < s.step) break;
    ImGui::PushTextWrapPos(0);
    ImGui::TextColored(it->is_error ? ImVec4(1, 0.5f, 0.45f, 1) : ImVec4(0.7f, 0.8f, 0.9f, 1), "step %lld: %s",
                       static_cast<long long>(it->step), it->text.c_str());
    ImGui::PopTextWrapPos();
    break;
  }
}

void KnobsPanel::draw_guard(LabContext& ctx) {
  const auto advice = guard_advice(*ctx.snap);
  if (!advice) return;
  ImGui::PushStyleColor(ImGuiCol_ChildBg, ImVec4(0.35f, 0.08f, 0.08f, 1));
  const float h = ImGui::GetTextLineHeightWithSpacing() * 6.5f;
  ImGui::BeginChild("guard", ImVec2(0, h), true);
  ImGui::PushTextWrapPos(0);
  ImGui::TextColored(ImVec4(1, 0.75f, 0.7f, 1), "Training diverged");
  ImGui::TextUnformatted(advice->what.c_str());
  ImGui::TextUnformatted(advice->suggestion.c_str());
  ImGui::PopTextWrapPos();
  if (!advice->knob.empty()) {
    const std::string label = "Set " + advice->knob + " and resume";
    if (ImGui::Button(label.c_str())) {
      ctx.send(knob_command(*find_param(advice->knob), advice->new_value));
      ctx.send(cmd::Resume{});
    }
    ImGui::SameLine();
  } else {
    if (ImGui::Button("Open the timeline")) ctx.tab_request = "stability";  // rewind and branch live there
    ImGui::SameLine();
  }
  if (ImGui::Button("Resume as is")) ctx.send(cmd::Resume{});
  ImGui::EndChild();
  ImGui::PopStyleColor();
}

void KnobsPanel::draw_checkpoint(LabContext& ctx) {
  ImGui::SetNextItemWidth(ImGui::GetContentRegionAvail().x - ImGui::GetFontSize() * 7.5f);
  ImGui::InputText("##ckpt", checkpoint_path_, sizeof checkpoint_path_);
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Checkpoint file: model, optimiser, replay buffer, RNG and step.");
  ImGui::SameLine();
  if (ImGui::Button("Save")) ctx.send(cmd::Save{checkpoint_path_});
  ImGui::SameLine();
  if (ImGui::Button("Load")) ctx.send(cmd::Load{checkpoint_path_});
  if (ImGui::Button("Screenshot (F12)")) ctx.screenshot_request = export_path(ctx, "screenshot", "png");
  note_widget(ctx, "screenshot");
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("The whole window as PNG, into %s", ctx.export_dir.c_str());
  ImGui::SameLine();
  if (ImGui::Button("Metrics CSV")) {
    const std::string path = export_path(ctx, "metrics", "csv");
    try {
      if (!path.empty()) {
        write_history_csv(path, ctx.snap->history);
        ctx.export_status = "wrote " + path + " (" + std::to_string(ctx.snap->history.size()) + " rows)";
        ctx.exported.push_back(path);
      }
    } catch (const std::exception& e) {
      ctx.export_status = e.what();
    }
  }
  note_widget(ctx, "metrics_csv");
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Every recorded iteration's figures, one row each.");
  if (ImGui::Button("Save session")) ctx.session_request = export_path(ctx, "session", "json");
  note_widget(ctx, "save_session");
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("Every knob, the data (your points included), the view, the landscape's options, the tab and the "
                      "lesson, as one JSON file: 'jemlab --session FILE' reopens it exactly.");
  ImGui::SameLine();
  if (ImGui::Button("Copy command")) {
    const std::string command = train_command_line(ctx.snap->settings);
    ImGui::SetClipboardText(command.c_str());
    ctx.export_status = "copied: " + command;
  }
  note_widget(ctx, "copy_command");
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("The 'jemlab train ...' command line of these knobs, on the clipboard.");

  // One panel as PNG: the panels drawn last frame (hidden tabs are not on screen to capture).
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 9);
  if (ImGui::BeginCombo("##exportpanel", export_panel_.c_str())) {
    for (const auto& [name, rect] : ctx.last_panel_rects)
      if (ImGui::Selectable(name.c_str(), name == export_panel_)) export_panel_ = name;
    ImGui::EndCombo();
  }
  ImGui::SameLine();
  if (ImGui::Button("Panel PNG")) {
    ctx.screenshot_request = export_path(ctx, export_panel_.c_str(), "png");
    if (!ctx.screenshot_request.empty()) ctx.screenshot_panel = export_panel_;
  }
  note_widget(ctx, "panel_png");
  ImGui::SameLine();
  const bool has_chain = ctx.snap->launched && ctx.snap->launched->n_chains > 0;
  ImGui::BeginDisabled(!has_chain);
  if (ImGui::Button("Chain GIF")) ctx.gif_request = export_path(ctx, "chain", "gif");
  ImGui::EndDisabled();
  note_widget(ctx, "chain_gif");
  if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled))
    ImGui::SetTooltip(has_chain ? "The clicked SGLD chain, step by step over the landscape, as an animated GIF."
                                : "Click the landscape first to launch a chain.");
  if (!ctx.export_status.empty()) {
    ImGui::PushTextWrapPos(0);
    ImGui::TextDisabled("%s", ctx.export_status.c_str());
    ImGui::PopTextWrapPos();
  }
}

void KnobsPanel::draw(LabContext& ctx, const PanelRect& rect) {
  begin_panel("Controls", "controls", rect, ctx);
  draw_status(ctx);
  draw_guard(ctx);
  ImGui::Separator();
  if (ctx.presenter) {
    ImGui::PushTextWrapPos(0);
    ImGui::TextDisabled("Presenter mode: press P for the knobs.");
    ImGui::PopTextWrapPos();
    ImGui::End();
    return;
  }
  for (const std::string& group : knob_groups()) {
    const bool open_by_default = group == "loss" || group == "sampler";
    if (!ImGui::CollapsingHeader(group_title(group), open_by_default ? ImGuiTreeNodeFlags_DefaultOpen : 0)) continue;
    for (const ParamSpec* p : knobs_in_group(group)) knob_widget(ctx, *p, pending_);
  }
  if (ImGui::CollapsingHeader("Checkpoints & export", ImGuiTreeNodeFlags_DefaultOpen)) draw_checkpoint(ctx);
  ImGui::End();
}

}  // namespace jem::window
