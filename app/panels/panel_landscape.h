// The energy landscape panel: the field drawn by field.frag, data and replay-buffer points,
// SGLD trajectories, pan (drag) / zoom (wheel) / click-to-launch-a-chain, colour bar and legend.
#pragma once
#include <chrono>
#include <memory>
#include <string>

#include "app/gl/field_renderer.h"
#include "app/gl/pass_timer.h"
#include "app/gl/render_target.h"
#include "app/panels/draw_tool.h"
#include "app/panels/field_scalar.h"
#include "app/window/lab_context.h"
#include "app/panels/panel_trajectories.h"
#include "app/window/session_file.h"
#include "app/window/view_transform.h"

namespace jem::window {

class LandscapePanel {
 public:
  explicit LandscapePanel(const std::string& shader_dir) : renderer_(shader_dir) {}
  void draw(LabContext& ctx, const PanelRect& rect);
  bool animating() const { return dragging_ || trajectories_.animating(); }
  void set_mode(FieldMode m) { mode_ = m; }
  void set_drift(bool on) { show_drift_ = on; }
  // What a session keeps: the options shown, and the view box (applied at the next frame).
  LandscapeOptions options() const;
  void set_options(const LandscapeOptions& o);
  void set_view(const Box& b);

 private:
  void draw_toolbar(LabContext& ctx);
  void sync_view(LabContext& ctx, float aspect);
  void upload_if_changed(const Snapshot& s);
  void handle_mouse(LabContext& ctx, const ViewTransform& t);
  void draw_overlays(LabContext& ctx, const ViewTransform& t);
  void adapt_resolution(const Snapshot& s);
  // The clicked chain, step by step over the current landscape image, as an animated GIF.
  void export_chain_gif(LabContext& ctx);
  void render_offscreen(LabContext& ctx, int px_w, int px_h);
  void add_screen_blit(int x, int y, int w, int h);
  void publish_class_centroids(LabContext& ctx, const DataView& data, const ViewTransform& t);

  gl::FieldRenderer renderer_;
  gl::RenderTarget target_;
  TrajectoryOverlay trajectories_;
  DrawTool draw_;

  // What is shown.
  FieldMode mode_ = FieldMode::NegEnergy;
  bool log_scale_ = false;
  int class_k_ = 0;
  gl::FieldStyle style_;
  bool show_data_ = true, show_buffer_ = true, buffer_by_age_ = false;
  bool show_drift_ = false;
  int launch_label_ = -1, launch_steps_ = 200;

  // The view: centre and half-height in data units; the width follows the canvas aspect.
  bool view_init_ = false;
  float cx_ = 0, cy_ = 0, half_h_ = 3;
  Box view_;
  Box sent_view_;
  int sent_res_ = 0;
  double sent_every_ = 0;
  std::chrono::steady_clock::time_point sent_at_;
  bool dragging_ = false;

  // Adaptive grid: resolution follows how often the grid's cost lets the runner refresh it.
  int res_ = 128;
  double field_interval_s_ = 0.2;

  // Uploaded state, to re-upload only on change.
  const FieldGrid* uploaded_field_ = nullptr;
  FieldMode uploaded_mode_ = FieldMode::NegEnergy;
  bool uploaded_log_ = false;
  int uploaded_k_ = -1;
  const DataView* uploaded_data_ = nullptr;
  const BufferView* uploaded_buffer_ = nullptr;
  bool uploaded_by_age_ = false;
  std::shared_ptr<const FieldGrid> field_keep_;  // keeps the pointer identity above meaningful
  std::shared_ptr<const DataView> data_keep_;
  std::shared_ptr<const BufferView> buffer_keep_;
  ScalarField scalar_;

  // What the field image depends on; the points image is redrawn over a copy of it.
  struct FieldKey {
    FieldMode mode = FieldMode::NegEnergy;
    bool log = false;
    int k = 0;
    plot::Colormap colormap = plot::Colormap::Viridis;
    int contours = 0;
    float tint = 0;
    bool boundaries = false;
    Box view;
    int w = 0, h = 0;
    bool operator==(const FieldKey& o) const {
      return mode == o.mode && log == o.log && k == o.k && colormap == o.colormap && contours == o.contours &&
             tint == o.tint && boundaries == o.boundaries && view == o.view && w == o.w && h == o.h;
    }
  };
  gl::RenderTarget field_target_;
  FieldKey field_key_;
  const FieldGrid* rendered_field_ = nullptr;
  const DataView* rendered_data_ = nullptr;
  const BufferView* rendered_buffer_ = nullptr;
  bool shown_data_ = false, shown_buffer_ = false;
  std::chrono::steady_clock::time_point field_rendered_at_, points_rendered_at_;
  gl::PassTimer field_timer_, points_timer_;  // their device time: how often they are redrawn
  struct BlitRequest {
    const gl::RenderTarget* target = nullptr;
    int x = 0, y = 0, w = 0, h = 0;
  } blit_;
};

}  // namespace jem::window
