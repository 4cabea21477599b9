#include "app/panels/panel_landscape.h"

#include "app/panels/attack_overlay.h"
#include "app/panels/drift_overlay.h"
#include "app/panels/flight_overlay.h"
#include "app/widgets/widgets.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "app/plot/colormap.h"
#include "app/plot/line_plot.h"
#include "app/window/export_logic.h"
#include "app/window/frame_damage.h"
#include "app/window/frame_render.h"

namespace jem::window {
namespace {

using Clock = std::chrono::steady_clock;
constexpr int kResSteps[] = {48, 64, 96, 128, 160, 192, 256};

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

// A costly pass redone for new data (not for a new view or style) at most once per this many
// seconds: often enough to look live, rarely enough that what a new image costs stays within
// kPassBudget of the device. On llvmpipe the device is a CPU thread, whose time the trainer loses,
// and a new image costs its pass about once more after it: the canvas redrawn over it and
// presented (measured on the 2D default: a points pass 12 ms, the frame that shows its image
// 10-15 ms more than one that does not), so the pass's measured time counts twice.
constexpr double kFieldFloorS = 0.2, kPointsFloorS = 0.1;  // at most 5 field and 10 points images a second
double redraw_interval(gl::PassTimer& timer, double floor_s) {
  constexpr double kPassBudget = 0.04, kShowingCost = 2;
  return std::clamp(kShowingCost * timer.seconds() / kPassBudget, floor_s, 1.0);
}

void class_rgba(int k, float alpha, float lighten, float* out) {
  plot::class_rgb(k, out);
  for (int c = 0; c < 3; ++c) out[c] += (1 - out[c]) * lighten;
  out[3] = alpha;
}


}  // namespace

void LandscapePanel::export_chain_gif(LabContext& ctx) {
  const std::string path = std::move(ctx.gif_request);
  ctx.gif_request.clear();
  const Snapshot& s = *ctx.snap;
  if (!s.launched || s.launched->n_chains <= 0) {
    ctx.export_status = "GIF: click the landscape first to launch a chain";
    return;
  }
  const Trajectories& tr = *s.launched;
  const int w = target_.width(), h = target_.height();
  std::vector<GifChain> chains(size_t(tr.n_chains));
  for (int c = 0; c < tr.n_chains; ++c) {
    for (int step = 0; step <= tr.n_steps; ++step) {
      const size_t i = (size_t(step) * tr.n_chains + c) * 2;
      chains[c].xy.push_back((tr.xy[i] - view_.x0) / view_.width() * w);
      chains[c].xy.push_back((view_.y1 - tr.xy[i + 1]) / view_.height() * h);
    }
    // As on screen: p(x) chains near-white, conditional chains in their class colour.
    const int label = c < int(tr.label.size()) ? tr.label[c] : -1;
    if (label >= 0) {
      float rgb[3];
      plot::class_rgb(label, rgb);
      for (int k = 0; k < 3; ++k) chains[c].rgb[k] = uint8_t(std::clamp(rgb[k], 0.0f, 1.0f) * 255);
    }
  }
  const std::string error = write_trajectory_gif(path, target_.read_rgba(), w, h, chains);
  if (error.empty()) ctx.exported.push_back(path);
  ctx.export_status = error.empty() ? "wrote " + path + " (" + std::to_string(tr.n_steps) + " SGLD steps)"
                                    : "GIF: " + error;
}

void LandscapePanel::sync_view(LabContext& ctx, float aspect) {
  const Snapshot& s = *ctx.snap;
  if (!view_init_ && s.data) {
    const Box b = s.data->box;
    cx_ = (b.x0 + b.x1) / 2, cy_ = (b.y0 + b.y1) / 2;
    half_h_ = std::max(b.width() / aspect, b.height()) / 2 * 1.08f;
    view_init_ = true;
  }
  const float half_w = half_h_ * aspect;
  view_ = Box{cx_ - half_w, cx_ + half_w, cy_ - half_h_, cy_ + half_h_};
  // The window owns the view; the runner keeps the last one sent across resets. A drag sends
  // about 10 views a second.
  const int res = dragging_ ? std::min(res_, 64) : res_;
  // The runner computes no grid faster than the field pass draws one (told again when that pace
  // moves by a fifth).
  const double drawn_every = redraw_interval(field_timer_, kFieldFloorS);
  const bool changed = !(sent_view_ == view_) || sent_res_ != res || std::abs(drawn_every - sent_every_) > 0.2 * sent_every_;
  if (changed && seconds_since(sent_at_) > 0.1) {
    ctx.send(cmd::SetView{view_, res, drawn_every});
    sent_view_ = view_, sent_res_ = res, sent_every_ = drawn_every;
    sent_at_ = Clock::now();
  }
}

void LandscapePanel::adapt_resolution(const Snapshot& s) {
  if (s.field.get() == uploaded_field_) return;
  // How often the grid's cost lets the runner refresh it (every max(0.1 s, 20 x its cost), the
  // window's own pace aside): a slow refresh means the grid is expensive for this model and
  // device, so we step down; a fast one lets us step up.
  field_interval_s_ = 0.8 * field_interval_s_ + 0.2 * std::min(field_refresh_interval(s.field->compute_s, 0), 5.0);
  if (dragging_) return;
  const int n = int(std::size(kResSteps));
  int i = int(std::find(kResSteps, kResSteps + n, res_) - kResSteps);
  if (i >= n) i = 3;
  if (field_interval_s_ > 0.6 && i > 0) --i, field_interval_s_ = 0.3;
  else if (field_interval_s_ < 0.16 && s.state == RunState::Running && i < n - 1) ++i, field_interval_s_ = 0.3;
  res_ = kResSteps[i];
}

void LandscapePanel::upload_if_changed(const Snapshot& s) {
  if (s.field && (s.field.get() != uploaded_field_ || mode_ != uploaded_mode_ || log_scale_ != uploaded_log_ ||
                  class_k_ != uploaded_k_)) {
    adapt_resolution(s);
    const FieldGrid& g = *s.field;
    scalar_ = make_scalar_field(g, mode_, log_scale_, class_k_);
    renderer_.upload_field(g.box, g.res, scalar_.values, g.logits, g.n_classes);
    field_keep_ = s.field;
    uploaded_field_ = s.field.get();
    uploaded_mode_ = mode_, uploaded_log_ = log_scale_, uploaded_k_ = class_k_;
  }
  if (s.data && s.data.get() != uploaded_data_) {
    const DataView& d = *s.data;
    std::vector<float> rgba(d.label.size() * 4);
    for (size_t i = 0; i < d.label.size(); ++i) class_rgba(d.label[i], 0.9f, 0.0f, &rgba[i * 4]);
    renderer_.upload_points(0, d.xy, rgba);
    data_keep_ = s.data;
    uploaded_data_ = s.data.get();
  }
  if (s.buffer && (s.buffer.get() != uploaded_buffer_ || buffer_by_age_ != uploaded_by_age_)) {
    const BufferView& b = *s.buffer;
    const size_t n = b.xy.size() / 2;
    std::vector<float> rgba(n * 4);
    int max_age = 1;
    for (int a : b.age) max_age = std::max(max_age, a);
    for (size_t i = 0; i < n; ++i) {
      if (buffer_by_age_ && i < b.age.size()) {
        const uint32_t c = plot::colormap_color(plot::Colormap::Magma,
                                                0.15f + 0.85f * std::log1p(float(b.age[i])) / std::log1p(float(max_age)));
        rgba[i * 4] = (c & 0xff) / 255.f, rgba[i * 4 + 1] = ((c >> 8) & 0xff) / 255.f;
        rgba[i * 4 + 2] = ((c >> 16) & 0xff) / 255.f, rgba[i * 4 + 3] = 0.8f;
      } else {
        class_rgba(i < b.slot_class.size() ? b.slot_class[i] : 0, 0.6f, 0.55f, &rgba[i * 4]);
      }
    }
    renderer_.upload_points(1, b.xy, rgba);
    buffer_keep_ = s.buffer;
    uploaded_buffer_ = s.buffer.get();
    uploaded_by_age_ = buffer_by_age_;
  }
}

void LandscapePanel::handle_mouse(LabContext& ctx, const ViewTransform& t) {
  ImGuiIO& io = ImGui::GetIO();
  const bool hovered = ImGui::IsItemHovered();
  if (ImGui::IsItemActive() && (ImGui::IsMouseDragging(ImGuiMouseButton_Left, 4) ||
                                ImGui::IsMouseDragging(ImGuiMouseButton_Right, 4))) {
    dragging_ = true;
    cx_ -= io.MouseDelta.x / t.size.x * t.view.width();
    cy_ += io.MouseDelta.y / t.size.y * t.view.height();
  }
  if (ImGui::IsItemDeactivated()) {
    if (!dragging_ && hovered) {
      float x, y;
      t.to_data(io.MousePos, x, y);
      if (ctx.attack_mode) {
        ctx.send(cmd::AttackPoint{false, x, y, ctx.attack_eps});  // the Robustness tab is open
      } else {
        ctx.send(cmd::LaunchChain{x, y, launch_label_, launch_steps_});
        ++ctx.launch_clicks;
      }
    }
    dragging_ = false;
  }
  if (hovered && io.MouseWheel != 0) {
    // Zoom about the cursor: the data point under it stays put.
    float mx, my;
    t.to_data(io.MousePos, mx, my);
    const float f = std::pow(1.2f, -io.MouseWheel);
    half_h_ = std::clamp(half_h_ * f, 0.05f, 200.0f);
    const float applied = half_h_ / (t.view.height() / 2);
    cx_ = mx + (cx_ - mx) * applied;
    cy_ = my + (cy_ - my) * applied;
  }
}

void LandscapePanel::draw_overlays(LabContext& ctx, const ViewTransform& t) {
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const Snapshot& s = *ctx.snap;
  const float em = ImGui::GetFontSize();
  dl->PushClipRect(t.p0, ImVec2(t.p0.x + t.size.x, t.p0.y + t.size.y), true);
  trajectories_.draw(dl, t, ctx);
  // After a divergence: where the diverged iteration's chains went (the flight recorder).
  if (s.guard && s.flight) draw_flight_paths(dl, t, *s.flight, ctx.ui_scale, ctx.flight_pick);
  if (draw_.active) draw_.draw(dl, t, ctx.ui_scale);
  if (show_drift_ && s.field) ctx.facts["drift_arrows"] = std::to_string(draw_drift_field(dl, t, *s.field, ctx.ui_scale));
  if (ctx.attack_mode && s.attack) draw_attack_path(dl, t, *s.attack, ctx.ui_scale);

  // Colour bar, right edge.
  const float bar_w = em * 0.8f, bar_h = std::min(t.size.y * 0.45f, em * 16);
  const ImVec2 b1(t.p0.x + t.size.x - em * 0.8f, t.p0.y + em * 2.0f);
  const ImVec2 b0(b1.x - bar_w, b1.y);
  const ImVec2 bar_lo(b0.x - em * 4.6f, b0.y - em * 1.8f), bar_hi(b1.x + em * 0.3f, b0.y + bar_h + em * 0.6f);
  dl->AddRectFilled(bar_lo, bar_hi, IM_COL32(20, 20, 24, 190), 4);
  // The overlays cover the chains under them (the window tests look for heads elsewhere).
  ctx.overlay_rects["landscape_colorbar"] = PanelRect{bar_lo.x, bar_lo.y, bar_hi.x - bar_lo.x, bar_hi.y - bar_lo.y};
  gradient_strip(dl, b0, ImVec2(bar_w, bar_h), style_.colormap, true);
  // The title sits a full line above the top value, which is centred on the bar's top edge.
  dl->AddText(ImVec2(b0.x - em * 4.4f, b0.y - em * 1.7f), IM_COL32(235, 235, 240, 255), scalar_.label.c_str());
  for (int i = 0; i <= 4; ++i) {
    const float v = scalar_.hi - (scalar_.hi - scalar_.lo) * i / 4;
    char txt_buf[32];
    std::snprintf(txt_buf, sizeof txt_buf, "%.3g", v);
    const std::string txt = txt_buf;
    const ImVec2 ts = ImGui::CalcTextSize(txt.c_str());
    dl->AddText(ImVec2(b0.x - ts.x - em * 0.3f, b0.y + bar_h * i / 4 - ts.y / 2), IM_COL32(220, 220, 225, 255),
                txt.c_str());
  }

  // Class legend, top-left.
  const int n_classes = s.field ? s.field->n_classes : 0;
  ImVec2 lp(t.p0.x + em * 0.6f, t.p0.y + em * 0.5f);
  const float legend_w = em * 1.3f + ImGui::CalcTextSize("SGLD chain").x;  // the widest entry
  const ImVec2 leg_lo(lp.x - em * 0.3f, lp.y - em * 0.2f), leg_hi(lp.x + legend_w, lp.y + em * (1.25f * (n_classes + 1) + 0.1f));
  dl->AddRectFilled(leg_lo, leg_hi, IM_COL32(20, 20, 24, 190), 4);
  ctx.overlay_rects["landscape_legend"] = PanelRect{leg_lo.x, leg_lo.y, leg_hi.x - leg_lo.x, leg_hi.y - leg_lo.y};
  for (int k = 0; k < n_classes; ++k) {
    dl->AddCircleFilled(ImVec2(lp.x + em * 0.4f, lp.y + em * 0.55f), em * 0.32f, plot::class_color(k));
    dl->AddText(ImVec2(lp.x + em * 1.0f, lp.y), IM_COL32(230, 230, 235, 255), ("class " + std::to_string(k)).c_str());
    lp.y += em * 1.25f;
  }
  dl->AddCircleFilled(ImVec2(lp.x + em * 0.4f, lp.y + em * 0.55f), em * 0.32f, IM_COL32(235, 250, 255, 255));
  dl->AddText(ImVec2(lp.x + em * 1.0f, lp.y), IM_COL32(230, 230, 235, 255), "SGLD chain");
  dl->PopClipRect();

  // Readout under the cursor.
  if (ImGui::IsItemHovered() && !dragging_) {
    float x, y;
    t.to_data(ImGui::GetIO().MousePos, x, y);
    ImGui::SetTooltip("x = (%.2f, %.2f)\nclick: launch an SGLD chain here\ndrag: pan, wheel: zoom", x, y);
  }
}

void LandscapePanel::render_offscreen(LabContext& ctx, int px_w, int px_h) {
  // Two offscreen passes, each redone only when its inputs change: the field (a costly shader on
  // llvmpipe) when the grid, view or style changed, while training at most 5 times a second and
  // within its budget (redraw_interval); the points (the buffer comes with every snapshot, 15 a second)
  // over a copy of it at most 10 times a second, within the same budget.
  const float fb = ImGui::GetIO().DisplayFramebufferScale.x;
  const FieldKey fkey{uploaded_mode_, uploaded_log_, uploaded_k_, style_.colormap, style_.contours,
                      style_.tint, style_.boundaries, view_, px_w, px_h};
  const bool field_due = !(fkey == field_key_) || (uploaded_field_ != rendered_field_ &&
                                                   seconds_since(field_rendered_at_) > redraw_interval(field_timer_, kFieldFloorS));
  if (field_due) {
    field_timer_.begin();
    field_target_.begin(px_w, px_h);
    renderer_.draw_field(view_, style_);
    field_target_.end();
    field_timer_.end();
    field_key_ = fkey;
    rendered_field_ = uploaded_field_;
    field_rendered_at_ = Clock::now();
  }
  const bool points_due = field_due || show_data_ != shown_data_ || show_buffer_ != shown_buffer_ ||
                          uploaded_data_ != rendered_data_ ||
                          (show_buffer_ && uploaded_buffer_ != rendered_buffer_ &&
                           seconds_since(points_rendered_at_) > redraw_interval(points_timer_, kPointsFloorS));
  if (points_due) {
    points_timer_.begin();
    target_.begin(px_w, px_h);
    field_target_.blit_to(target_);
    if (show_buffer_) renderer_.draw_points(1, view_, 3.5f * ctx.ui_scale * fb);
    if (show_data_) renderer_.draw_points(0, view_, 5.0f * ctx.ui_scale * fb);
    target_.end();
    points_timer_.end();
    window::note_content_changed(&blit_);  // the blit shows a new image
    shown_data_ = show_data_, shown_buffer_ = show_buffer_;
    rendered_data_ = uploaded_data_, rendered_buffer_ = uploaded_buffer_;
    points_rendered_at_ = Clock::now();
  }
}

void LandscapePanel::add_screen_blit(int x, int y, int w, int h) {
  // The image reaches the frame by a framebuffer blit inside ImGui's draw order (overlays drawn
  // after it land on top), clipped like any command: the window redraws only what changed. A new
  // place moves the clip rectangle, a new image is noted where target_ is drawn (frame_damage.h).
  blit_.target = &target_;
  blit_.x = x, blit_.y = y, blit_.w = w, blit_.h = h;
  // Clipped to the canvas: a new image damages the canvas, not the whole panel.
  const ImVec2 fb = ImGui::GetIO().DisplayFramebufferScale;
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->PushClipRect(ImVec2(x / fb.x, y / fb.y), ImVec2((x + w) / fb.x, (y + h) / fb.y), true);
  dl->AddCallback(
      [](const ImDrawList*, const ImDrawCmd* cmd) {
        const auto* b = static_cast<const BlitRequest*>(cmd->UserCallbackData);
        GLint viewport[4];
        glGetIntegerv(GL_VIEWPORT, viewport);
        window::scissor_as_backend(cmd);
        b->target->blit_to_bound(b->x, b->y, b->w, b->h, viewport[3]);
      },
      &blit_);
  dl->PopClipRect();
}

// Where each class's mean point is on screen, for the window tests' boundary checks.
void LandscapePanel::publish_class_centroids(LabContext& ctx, const DataView& data, const ViewTransform& t) {
  const int k_max = data.n_classes;
  std::vector<double> sx(k_max), sy(k_max), n(k_max);
  for (size_t i = 0; i < data.label.size(); ++i) {
    const int k = data.label[i];
    if (k < 0 || k >= k_max) continue;
    sx[k] += data.xy[i * 2], sy[k] += data.xy[i * 2 + 1], n[k] += 1;
  }
  ctx.class_centroids_px.clear();
  for (int k = 0; k < k_max; ++k) {
    const ImVec2 c = t.to_screen(float(sx[k] / std::max(1.0, n[k])), float(sy[k] / std::max(1.0, n[k])));
    ctx.class_centroids_px.emplace_back(c.x, c.y);
  }
}

void LandscapePanel::draw(LabContext& ctx, const PanelRect& rect) {
  begin_panel("Energy landscape", "landscape", rect, ctx, ImGuiWindowFlags_NoScrollbar);
  const Snapshot& s = *ctx.snap;
  draw_toolbar(ctx);
  if (draw_.active) draw_.toolbar(ctx);
  trajectories_.update(s, ctx.frame_dt);

  const float em = ImGui::GetFontSize();
  ImVec2 avail = ImGui::GetContentRegionAvail();
  avail.y -= ImGui::GetFrameHeightWithSpacing() + em * 0.2f;  // the playback row below
  const ImVec2 size(std::max(avail.x, 64.0f), std::max(avail.y, 64.0f));
  sync_view(ctx, size.x / size.y);
  ctx.view = view_;
  upload_if_changed(s);

  const ImVec2 fb = ImGui::GetIO().DisplayFramebufferScale;
  const int px_w = int(size.x * fb.x), px_h = int(size.y * fb.y);
  render_offscreen(ctx, px_w, px_h);
  if (!ctx.gif_request.empty()) export_chain_gif(ctx);

  const ImVec2 p0 = ImGui::GetCursorScreenPos();
  ImGui::InvisibleButton("canvas", size, ImGuiButtonFlags_MouseButtonLeft | ImGuiButtonFlags_MouseButtonRight);
  add_screen_blit(int(p0.x * fb.x), int(p0.y * fb.y), px_w, px_h);
  ctx.panel_rects["landscape_canvas"] = PanelRect{p0.x, p0.y, size.x, size.y};
  const ViewTransform t{view_, p0, size};
  if (draw_.active) draw_.handle_mouse(ctx, t);  // a drag paints instead of panning
  else handle_mouse(ctx, t);
  draw_overlays(ctx, t);
  if (s.data) publish_class_centroids(ctx, *s.data, t);
  trajectories_.draw_controls();
  ImGui::SameLine();
  ImGui::TextDisabled("grid %dx%d", s.field ? s.field->res : 0, s.field ? s.field->res : 0);
  ImGui::End();
}

}  // namespace jem::window
