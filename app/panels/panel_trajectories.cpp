#include "app/panels/panel_trajectories.h"

#include <algorithm>
#include <cmath>

#include "app/plot/colormap.h"

namespace jem::window {
namespace {

ImVec2 chain_point(const Trajectories& tr, int step, int chain) {
  const size_t i = (size_t(step) * tr.n_chains + chain) * 2;
  return ImVec2(tr.xy[i], tr.xy[i + 1]);
}

// Unconditional chains are drawn near-white so they stand out over every colormap.
ImU32 chain_color(const Trajectories& tr, int chain, float alpha) {
  const int label = chain < int(tr.label.size()) ? tr.label[chain] : -1;
  const uint8_t a = uint8_t(std::clamp(alpha, 0.0f, 1.0f) * 255);
  if (label < 0) return IM_COL32(235, 250, 255, a);
  return plot::class_color(label, a);
}

}  // namespace

void TrajectoryOverlay::draw_controls() {
  ImGui::Checkbox("training chains", &show_chains_);
  ImGui::SameLine();
  ImGui::Checkbox("clicked chain", &show_launched_);
  ImGui::SameLine();
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 8);
  ImGui::SliderFloat("steps/s", &steps_per_s_, 1, 200, "%.0f", ImGuiSliderFlags_Logarithmic);
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Playback speed of the SGLD animation, in sampler steps per second.");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 6);
  ImGui::SliderInt("trail", &trail_steps_, 1, 100);
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Length of the fading trail behind each chain head, in steps.");
}

void TrajectoryOverlay::update(const Snapshot& s, double dt) {
  if (!playing_ || pos_ >= playing_->n_steps + trail_steps_ * 0.5) {
    if (s.chains && s.chains->n_chains > 0 && s.chains != playing_) {
      playing_ = s.chains;
      pos_ = 0;
    }
  } else {
    pos_ += dt * steps_per_s_;
  }
  if (s.launched != launched_) {
    launched_ = s.launched;
    launched_pos_ = 0;
  } else if (launched_) {
    launched_pos_ = std::min<double>(launched_pos_ + dt * steps_per_s_ * 2, launched_->n_steps);
  }
}

bool TrajectoryOverlay::animating() const {
  return (playing_ && pos_ < playing_->n_steps + trail_steps_ * 0.5) || (launched_ && launched_pos_ < launched_->n_steps);
}

void TrajectoryOverlay::draw_set(ImDrawList* dl, const ViewTransform& t, const Trajectories& tr, double pos,
                                 float width, LabContext& ctx, bool full_path) const {
  if (tr.n_chains <= 0 || tr.xy.size() < size_t(tr.n_steps + 1) * tr.n_chains * 2) return;
  const int head = std::clamp(int(std::floor(pos)), 0, tr.n_steps);
  const int first = full_path ? 0 : std::max(0, head - trail_steps_);
  const float scale = ctx.ui_scale;
  for (int c = 0; c < std::min(tr.n_chains, max_chains_); ++c) {
    auto screen = [&](int step) {
      const ImVec2 d = chain_point(tr, step, c);
      return t.to_screen(d.x, d.y);
    };
    for (int s = first; s < head; ++s) {
      // Older segments fade out; a launched chain keeps its whole path faintly.
      const float age = float(head - s) / std::max(1, trail_steps_);
      const float alpha = full_path ? std::max(0.35f, 1.0f - age) : 1.0f - age * 0.9f;
      dl->AddLine(screen(s), screen(s + 1), chain_color(tr, c, alpha), width * scale);
    }
    // The head jumps from recorded state to recorded state: SGLD is a discrete chain, and a point
    // between two steps is one it never visited. The frames between steps are then unchanged,
    // which the window does not draw again (frame_damage.h).
    const ImVec2 h = screen(head);
    dl->AddCircleFilled(h, (width + 2.5f) * scale, IM_COL32(20, 20, 25, 230));
    dl->AddCircleFilled(h, (width + 1.2f) * scale, chain_color(tr, c, 1.0f));
    ctx.chain_heads_px.emplace_back(h.x, h.y);
  }
}

void TrajectoryOverlay::draw(ImDrawList* dl, const ViewTransform& t, LabContext& ctx) const {
  if (show_chains_ && playing_) draw_set(dl, t, *playing_, pos_, 1.6f, ctx, false);
  if (show_launched_ && launched_) draw_set(dl, t, *launched_, launched_pos_, 2.2f, ctx, true);
}

}  // namespace jem::window
