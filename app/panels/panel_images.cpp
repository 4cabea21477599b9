#include "app/panels/panel_images.h"

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>

#include "app/plot/colormap.h"
#include "app/widgets/widgets.h"

namespace jem::window {
namespace {

constexpr ImU32 kText = IM_COL32(200, 200, 205, 255);
constexpr ImU32 kMismatch = IM_COL32(255, 80, 60, 255);

// Image i of an atlas at (p, size), framed in `frame` (0 for none).
void tile(ImDrawList* dl, const gl::ImageAtlas& a, int i, ImVec2 p, float size, ImU32 frame, float thick) {
  float uv[4];
  a.uv(i, uv);
  dl->AddImage(reinterpret_cast<ImTextureID>(static_cast<intptr_t>(a.texture())), p, ImVec2(p.x + size, p.y + size),
               ImVec2(uv[0], uv[1]), ImVec2(uv[2], uv[3]));
  if (frame) dl->AddRect(ImVec2(p.x - thick / 2, p.y - thick / 2), ImVec2(p.x + size + thick / 2, p.y + size + thick / 2),
                         frame, 0, 0, thick);
}

void heading(ImDrawList* dl, ImVec2 p, const char* text) { dl->AddText(p, kText, text); }

}  // namespace

void ImagesPanel::sync_textures(const Snapshot& s) {
  // Snapshots share unchanged parts by pointer: upload only what is new.
  if (s.buffer != buffer_src_) {
    buffer_src_ = s.buffer;
    if (s.buffer) buffer_.upload(s.buffer->images);
  }
  if (s.chains != film_src_) {
    film_src_ = s.chains;
    if (s.chains) film_.upload(s.chains->film);
  }
  if (s.class_samples != samples_src_) {
    samples_src_ = s.class_samples;
    if (s.class_samples) samples_.upload(*s.class_samples);
  }
  if (s.data != data_src_) {
    data_src_ = s.data;
    if (s.data) data_.upload(s.data->images);
  }
}

void ImagesPanel::draw_toolbar(LabContext& ctx) {
  const Snapshot& s = *ctx.snap;
  const float sc = ctx.ui_scale;
  ImGui::TextDisabled("%s", s.data ? (s.settings.dataset + ", " + std::to_string(s.data->n_classes) + " classes").c_str() : "");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(150 * sc);
  static const char* kFrames[] = {"frame: class slot", "frame: age since reinit", "frame: prediction"};
  int f = static_cast<int>(frame_);
  if (ImGui::Combo("##frame", &f, kFrames, 3)) frame_ = static_cast<Frame>(f);
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("Class slot: the buffer part a chain belongs to. Age: SGLD steps since the sample was\n"
                      "reinitialised (dark = fresh noise, bright = old). Prediction: the model's class; red\n"
                      "when it differs from the slot of a class-conditional chain.");
  ImGui::SameLine();
  if (ImGui::Button("Sample each class")) ctx.send(cmd::SampleClasses{8, sample_steps_});
  note_widget(ctx, "sample_classes");
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("Fresh chains from the init distribution, %d SGLD steps on f(x)[y], 8 per class.", sample_steps_);
  ImGui::SameLine();
  ImGui::SetNextItemWidth(110 * sc);
  ImGui::SliderInt("steps", &sample_steps_, 10, 1000, "%d", ImGuiSliderFlags_Logarithmic);
}

// The buffer grid, `side` wide, below its heading at `origin`.
void ImagesPanel::draw_buffer_grid(LabContext& ctx, ImDrawList* dl, ImVec2 origin, float side) {
  const Snapshot& s = *ctx.snap;
  const float sc = ctx.ui_scale, gap = 3 * sc, line = ImGui::GetTextLineHeightWithSpacing();
  const int n_buf = buffer_.count();
  const int cols = std::max(1, static_cast<int>(std::ceil(std::sqrt(double(std::max(n_buf, 1))))));
  const float cell = side / cols, size = cell - gap;
  char title[160];
  std::snprintf(title, sizeof title, "Replay buffer: %d of %lld slots", n_buf,
                static_cast<long long>(s.buffer ? s.buffer->size : 0));
  heading(dl, origin, title);
  const ImVec2 g0(origin.x, origin.y + line);
  ctx.panel_rects["buffer_grid"] = PanelRect{g0.x, g0.y, side, side};
  if (!s.buffer) return;
  const ImageGrid& g = s.buffer->images;
  int max_age = 1;
  for (int a : g.age) max_age = std::max(max_age, a);
  for (int i = 0; i < n_buf; ++i) {
    ImU32 frame = 0;
    if (frame_ == Frame::Slot && i < int(g.label.size())) frame = plot::class_color(g.label[i]);
    if (frame_ == Frame::Age && i < int(g.age.size()))
      frame = plot::colormap_color(plot::Colormap::Magma, float(g.age[i]) / float(max_age));
    if (frame_ == Frame::Prediction && i < int(g.pred.size()))
      frame = s.settings.class_cond_p_x_sample && g.pred[i] != g.label[i] ? kMismatch : plot::class_color(g.pred[i]);
    tile(dl, buffer_, i, ImVec2(g0.x + (i % cols) * cell, g0.y + (i / cols) * cell), size, frame, 2 * sc);
  }
}

// The right column from (x, y), w wide, down to `bottom`: film strip, class-conditional samples,
// training data.
void ImagesPanel::draw_side_column(LabContext& ctx, ImDrawList* dl, float x, float y, float w, float bottom) {
  const Snapshot& s = *ctx.snap;
  const float sc = ctx.ui_scale, gap = 3 * sc, line = ImGui::GetTextLineHeightWithSpacing();
  if (film_.count() > 0 && s.chains) {
    const int frames = std::min(film_.count(), 8);
    char title[160];
    std::snprintf(title, sizeof title, "SGLD film strip: one chain, steps 0 to %d", s.chains->n_steps);
    heading(dl, ImVec2(x, y), title);
    y += line;
    const float fs = std::min(w / frames - gap, 80 * sc);
    ctx.panel_rects["film_strip"] = PanelRect{x, y, frames * (fs + gap), fs};
    for (int j = 0; j < frames; ++j) {
      const int step = frames > 1 ? j * (film_.count() - 1) / (frames - 1) : 0;
      tile(dl, film_, step, ImVec2(x + j * (fs + gap), y), fs, 0, 0);
      char lab[16];
      std::snprintf(lab, sizeof lab, "%d", step);
      dl->AddText(ImVec2(x + j * (fs + gap), y + fs + 1), kText, lab);
    }
    y += fs + 2 * line;
  }
  if (samples_.count() > 0 && s.class_samples) {
    const ImageGrid& g = *s.class_samples;
    const int per = std::max(1, g.n / std::max(1, s.data ? s.data->n_classes : 1));
    heading(dl, ImVec2(x, y), "Class-conditional samples: one row per class (frame: predicted class)");
    y += line;
    const float ts = std::min((w - 10 * sc) / per - gap, (bottom - y - 6 * line) / std::max(1, g.n / per) - gap);
    for (int i = 0; i < g.n; ++i) {
      const ImVec2 p(x + 10 * sc + (i % per) * (ts + gap), y + (i / per) * (ts + gap));
      if (i % per == 0) dl->AddRectFilled(ImVec2(x, p.y), ImVec2(x + 6 * sc, p.y + ts), plot::class_color(g.label[i]));
      tile(dl, samples_, i, p, std::max(4.0f, ts), i < int(g.pred.size()) ? plot::class_color(g.pred[i]) : 0, 1.5f * sc);
    }
    y += (g.n / per) * (ts + gap) + line;
  }
  if (data_.count() > 0 && s.data) {
    heading(dl, ImVec2(x, y), "Training data (frame: class)");
    y += line;
    const int n = std::min(data_.count(), 16), per = 8;
    const float ts = std::min(w / per - gap, std::max(8.0f, (bottom - y - line) / 2 - gap));
    for (int i = 0; i < n; ++i)
      tile(dl, data_, i, ImVec2(x + (i % per) * (ts + gap), y + (i / per) * (ts + gap)), ts,
           plot::class_color(s.data->images.label[i]), 1.5f * sc);
  }
}

void ImagesPanel::draw(LabContext& ctx, const PanelRect& rect) {
  begin_panel("Images", "landscape", rect, ctx, ImGuiWindowFlags_NoScrollbar);
  sync_textures(*ctx.snap);
  draw_toolbar(ctx);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  const ImVec2 pad = ImGui::GetStyle().WindowPadding;
  const float avail_w = rect.w - 2 * pad.x, avail_h = rect.y + rect.h - origin.y - pad.y;
  // Left: the buffer grid, as large as fits beside a right column of 45 %.
  const float grid_side = std::max(40.0f, std::min(avail_w * 0.55f, avail_h - 2 * ImGui::GetTextLineHeightWithSpacing()));
  draw_buffer_grid(ctx, dl, origin, grid_side);
  const float rx = origin.x + grid_side + 12 * ctx.ui_scale;
  draw_side_column(ctx, dl, rx, origin.y, origin.x + avail_w - rx, rect.y + rect.h);
  ImGui::Dummy(ImVec2(avail_w, avail_h));
  ImGui::End();
}

}  // namespace jem::window
