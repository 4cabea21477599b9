// The A/B tab: draws an AbSession (run B, app/sessions/): the knob-difference editor, A's and B's
// -E(x) in one colour range, the energy-difference map E_A - E_B, and A vs B curves. The window's
// other panels keep showing A. The logic lives in ab_logic.h and ab_session.h (unit-tested).
#pragma once
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "app/gl/field_renderer.h"
#include "app/gl/render_target.h"
#include "app/plot/line_plot.h"
#include "app/sessions/ab_session.h"
#include "app/panels/ab_logic.h"
#include "app/window/lab_context.h"

namespace jem::window {

class AbPanel {
 public:
  AbPanel() = default;
  // Compiles the shaders; needs the GL context. Throws gl::ShaderError like the landscape.
  void init(const std::string& shader_dir);
  // --ab: start with these differences at the first frame A has published its data.
  void start_with(std::vector<KnobDiff> diffs);
  // Every frame, shown or not: a queued start, B's view following A's landscape, sidecar facts.
  void update(LabContext& ctx);
  void draw(LabContext& ctx);  // the tab's content
  bool busy() const { return session_.running() || start_queued_; }  // B trains: keep drawing frames

 private:
  using Clock = std::chrono::steady_clock;
  void start(LabContext& ctx);
  void stop(LabContext& ctx);
  void draw_editor(LabContext& ctx);
  void draw_maps(LabContext& ctx, float height);
  void draw_curves(LabContext& ctx, float height);
  void render_maps(const Snapshot& a, const Snapshot& b, int px_w, int px_h, float point_px);

  std::unique_ptr<gl::FieldRenderer> renderer_;
  gl::RenderTarget target_a_, target_b_, target_diff_;

  // The differences being edited, and run B.
  std::vector<KnobDiff> diffs_;
  int knob_ = -1;  // index into schema() of the knob being edited
  char value_[256] = "";
  std::string edit_error_, start_error_;
  bool start_queued_ = false, collapse_editor_ = false;
  LabContext* ctx_ = nullptr;  // this frame's, for the session's commands to A
  AbSession session_{[this](Command c) {
    if (ctx_) ctx_->send(std::move(c));
  }};
  std::shared_ptr<const Snapshot> snap_b_;  // the session's B, as of this frame

  // What the three images were rendered from (redrawn only on change, at most 5 times a second).
  DiffMode mode_ = DiffMode::Normalised;
  DiffMode rendered_mode_ = DiffMode::Normalised;
  std::shared_ptr<const FieldGrid> field_a_, field_b_;
  const DataView *points_a_ = nullptr, *points_b_ = nullptr;
  std::shared_ptr<const DataView> data_a_, data_b_;
  int rendered_w_ = 0, rendered_h_ = 0;
  Clock::time_point rendered_at_;
  bool have_maps_ = false, have_diff_ = false;
  ColorRange range_;
  float diff_limit_ = 1, diff_mean_ = 0;
  std::string wait_reason_;

  // A vs B curves, rebuilt a few times a second.
  std::vector<plot::Series> loss_, acc_, gap_;
  Clock::time_point curves_at_;
};

}  // namespace jem::window
