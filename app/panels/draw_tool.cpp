#include "app/panels/draw_tool.h"

#include <cstdio>
#include <filesystem>

#include "app/plot/colormap.h"
#include "app/widgets/widgets.h"
#include "core/data/points_csv.h"
#include "core/util/atomic_file.h"

namespace jem::window {

void DrawTool::toolbar(LabContext& ctx) {
  const float em = ImGui::GetFontSize();
  const int classes = std::max(2, std::min(8, std::max(points_.n_classes() + 1, ctx.snap->data ? ctx.snap->data->n_classes : 2)));
  for (int k = 0; k < classes; ++k) {
    if (k) ImGui::SameLine();
    char label[32];
    std::snprintf(label, sizeof label, "class %d", k);
    const ImU32 c = plot::class_color(k);
    ImGui::PushStyleColor(ImGuiCol_CheckMark, c);
    if (ImGui::RadioButton(label, !points_.erase && points_.brush_class == k)) points_.brush_class = k, points_.erase = false;
    ImGui::PopStyleColor();
    char key[32];
    std::snprintf(key, sizeof key, "draw_class_%d", k);
    note_widget(ctx, key);
  }
  same_line_if_fits(em * 5);
  if (ImGui::RadioButton("erase", points_.erase)) points_.erase = true;
  note_widget(ctx, "draw_erase");
  same_line_if_fits(em * 11);
  ImGui::SetNextItemWidth(em * 5);
  ImGui::SliderFloat("brush", &points_.radius, 0.02f, 2.0f, "%.2f", ImGuiSliderFlags_Logarithmic);
  help_marker("Brush radius in data units.");
  same_line_if_fits(em * 11);
  ImGui::SetNextItemWidth(em * 5);
  ImGui::SliderInt("density", &points_.density, 1, 40);
  help_marker("Points dropped per frame of a stroke.");
  ImGui::BeginDisabled(!points_.can_undo());
  if (ImGui::Button("Undo")) points_.undo();
  ImGui::EndDisabled();
  ImGui::SameLine();
  if (ImGui::Button("Clear")) points_.clear();
  ImGui::SameLine();
  const std::string& why = points_.not_ready();
  ImGui::BeginDisabled(!why.empty());
  if (ImGui::Button("Train on these points")) train_on_points(ctx);
  note_widget(ctx, "draw_apply");
  ImGui::SameLine();
  if (ImGui::Button("Save points")) {
    const std::string path = export_path(ctx, "points", "csv");
    if (!path.empty()) {
      write_file_atomically(path, points_.csv());
      ctx.exported.push_back(path);
      ctx.export_status = "wrote " + path + " (" + std::to_string(points_.size()) + " points)";
    }
  }
  ImGui::EndDisabled();
  ImGui::SameLine();
  ImGui::TextDisabled("%zu points", points_.size());
  if (!why.empty() && points_.size() > 0) error_line(why);
  if (!error_.empty()) error_line(error_);
  ctx.facts["drawn_points"] = std::to_string(points_.size());
}

void DrawTool::train_on_points(LabContext& ctx) {
  // A file named by its content: a new drawing is a new data_file, so the run restarts on it.
  const std::string text = points_.csv();
  char name[64];
  std::snprintf(name, sizeof name, "drawn-points-%016llx.csv", static_cast<unsigned long long>(fnv1a64(text)));
  try {
    std::filesystem::create_directories(ctx.export_dir);
    const std::string path = ctx.export_dir + "/" + name;
    write_file_atomically(path, text);
    Settings next = ctx.snap->settings;
    next.dataset = "csv";
    next.data_file = path;
    ctx.send(cmd::SetSettings{next});
    ctx.send(cmd::Resume{});
    ctx.export_status = "training on " + std::to_string(points_.size()) + " drawn points (" + path + ")";
    error_.clear();
  } catch (const std::exception& e) {
    error_ = e.what();
  }
}

void DrawTool::handle_mouse(LabContext& ctx, const ViewTransform& t) {
  if (ImGui::IsItemActivated()) points_.begin_stroke();
  if (ImGui::IsItemActive() && ImGui::IsMouseDown(ImGuiMouseButton_Left)) {
    float x, y;
    t.to_data(ImGui::GetIO().MousePos, x, y);
    points_.paint(x, y);
  }
  if (ImGui::IsItemDeactivated()) points_.end_stroke();
  hovered_ = ImGui::IsItemHovered() || ImGui::IsItemActive();
  (void)ctx;
}

void DrawTool::draw(ImDrawList* dl, const ViewTransform& t, float ui_scale) const {
  const std::vector<float>& xy = points_.xy();
  const std::vector<int>& lab = points_.labels();
  for (size_t i = 0; i < lab.size(); ++i) {
    const ImVec2 p = t.to_screen(xy[2 * i], xy[2 * i + 1]);
    dl->AddCircleFilled(p, 2.5f * ui_scale, plot::class_color(lab[i]), 8);
    dl->AddCircle(p, 2.5f * ui_scale, IM_COL32(20, 20, 24, 255), 8, 1.0f);
  }
  // The brush under the pointer.
  if (hovered_) {
    const ImVec2 m = ImGui::GetIO().MousePos;
    const float r = points_.radius / t.view.height() * t.size.y;
    dl->AddCircle(m, r, points_.erase ? IM_COL32(255, 255, 255, 200) : plot::class_color(points_.brush_class, 220), 32,
                  1.5f * ui_scale);
  }
}

}  // namespace jem::window
