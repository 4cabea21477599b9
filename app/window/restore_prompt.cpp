#include "app/window/restore_prompt.h"

#include <imgui.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>

#include "app/widgets/widgets.h"

namespace jem::window {

RestorePrompt::RestorePrompt(std::string path, double every_s, RestoreChoice choice)
    : path_(std::move(path)), every_s_(every_s), choice_(choice) {
  std::error_code ec;
  if (path_.empty() || choice_ == RestoreChoice::No || !std::filesystem::exists(path_, ec)) return;
  try {
    question_ = restore_question(peek_checkpoint(path_));
    offered_ = true;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "jemlab: the autosaved session cannot be restored: %s\n", e.what());
  }
}

void RestorePrompt::start(LabContext& ctx) {
  if (offered_ && choice_ == RestoreChoice::Yes) return answer(ctx, true);
  if (offered_) {
    asking_ = true;
    ctx.restore_question = question_;
    return;
  }
  if (!path_.empty() && every_s_ > 0) ctx.send(cmd::Autosave{path_, every_s_});
}

void RestorePrompt::answer(LabContext& ctx, bool restore) {
  asking_ = false;
  ctx.restore_question.clear();
  if (restore) {
    ctx.send(cmd::Load{path_});  // the runner reports a failure as an event; the new session goes on
  } else {
    std::error_code ec;
    std::filesystem::remove(path_, ec);  // discarded: not offered again
  }
  ctx.send(cmd::Resume{});
  if (every_s_ > 0) ctx.send(cmd::Autosave{path_, every_s_});
}

void RestorePrompt::draw(LabContext& ctx) {
  if (!asking_) return;
  const char* title = "Restore session?";
  if (!opened_) {
    ImGui::OpenPopup(title);
    opened_ = true;
  }
  const ImGuiViewport* vp = ImGui::GetMainViewport();
  ImGui::SetNextWindowPos(vp->GetCenter(), ImGuiCond_Always, ImVec2(0.5f, 0.5f));
  if (!ImGui::BeginPopupModal(title, nullptr, ImGuiWindowFlags_AlwaysAutoResize | ImGuiWindowFlags_NoMove)) return;
  // Wrapped so that it fits a small window too.
  ImGui::PushTextWrapPos(std::min(vp->Size.x * 0.8f, 460 * ctx.ui_scale));
  ImGui::TextUnformatted(question_.c_str());
  ImGui::TextDisabled("%s", path_.c_str());
  ImGui::PopTextWrapPos();
  ImGui::Spacing();
  const bool enter = ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Enter));
  const bool escape = ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape));
  if (ImGui::Button("Restore") || enter) answer(ctx, true);
  note_widget(ctx, "restore_yes");
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Load it and go on training from its step (Enter)");
  ImGui::SameLine();
  if (ImGui::Button("Discard") || (asking_ && escape)) answer(ctx, false);
  note_widget(ctx, "restore_no");
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Delete it and keep the new session (Escape)");
  if (!asking_) ImGui::CloseCurrentPopup();
  ImGui::EndPopup();
}

}  // namespace jem::window
