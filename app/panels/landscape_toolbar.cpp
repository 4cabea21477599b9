// The landscape's toolbar, and its shown options and view as a session keeps them
// (app/window/session_file.h).
#include <imgui.h>

#include "app/panels/panel_landscape.h"
#include "app/plot/colormap.h"
#include "app/widgets/widgets.h"

namespace jem::window {
namespace {

// Width of a widget `item` wide with its label on the right (checkboxes: item = frame height).
float labelled(float item, const char* label) {
  return item + (label[0] ? ImGui::GetStyle().ItemInnerSpacing.x + ImGui::CalcTextSize(label).x : 0);
}
float checkbox_w(const char* label) { return labelled(ImGui::GetFrameHeight(), label); }

}  // namespace

void LandscapePanel::draw_toolbar(LabContext& ctx) {
  const Snapshot& s = *ctx.snap;
  const float em = ImGui::GetFontSize();
  int mode = static_cast<int>(mode_);
  ImGui::SetNextItemWidth(em * 13);
  if (ImGui::BeginCombo("##field", field_mode_name(mode_))) {
    for (int m = 0; m < kFieldModeCount; ++m)
      if (ImGui::Selectable(field_mode_name(FieldMode(m)), m == mode)) mode_ = FieldMode(m);
    ImGui::EndCombo();
  }
  help_marker("What the colours show. -E(x) is the unnormalised log density logsumexp f(x); p(x) is normalised "
              "by quadrature over the visible grid; exp(beta f)/Z is the density the chains sample, beta = 2 sgld_lr / "
              "sgld_std^2 (1 for proper Langevin and MALA); p(y|x) and f(x)[y] are for the class picked next to it.");
  const int n_classes = s.field ? s.field->n_classes : 2;
  if (mode_ == FieldMode::ClassProb || mode_ == FieldMode::ClassLogit) {
    same_line_if_fits(labelled(em * 5, "class"));
    ImGui::SetNextItemWidth(em * 5);
    ImGui::SliderInt("class", &class_k_, 0, std::max(0, n_classes - 1));
  }
  same_line_if_fits(checkbox_w("log"));
  ImGui::Checkbox("log", &log_scale_);
  help_marker("Log scale: log p(x), log10 p(y|x); energies and logits as sign(v) log10(1+|v|).");
  same_line_if_fits(em * 7);
  int cmap = static_cast<int>(style_.colormap);
  ImGui::SetNextItemWidth(em * 7);
  if (ImGui::BeginCombo("##cmap", plot::colormap_name(style_.colormap))) {
    for (int c = 0; c < plot::kColormapCount; ++c)
      if (ImGui::Selectable(plot::colormap_name(plot::Colormap(c)), c == cmap)) style_.colormap = plot::Colormap(c);
    ImGui::EndCombo();
  }
  same_line_if_fits(labelled(em * 5, "contours"));
  ImGui::SetNextItemWidth(em * 5);
  ImGui::SliderInt("contours", &style_.contours, 0, 40);
  same_line_if_fits(checkbox_w("boundary"));
  ImGui::Checkbox("boundary", &style_.boundaries);
  help_marker("Decision boundaries (where the two largest logits are equal) as white lines.");
  same_line_if_fits(checkbox_w("tint"));
  bool tint = style_.tint > 0;
  if (ImGui::Checkbox("tint", &tint)) style_.tint = tint ? 0.25f : 0.0f;
  help_marker("Tint each decision region with its class colour.");

  ImGui::Checkbox("data", &show_data_);
  same_line_if_fits(checkbox_w("buffer"));
  ImGui::Checkbox("buffer", &show_buffer_);
  help_marker("Replay-buffer samples (small light dots): where SGLD currently believes the density is.");
  same_line_if_fits(checkbox_w("drift"));
  ImGui::Checkbox("drift", &show_drift_);
  help_marker("Arrows of an SGLD step's drift, sgld_lr * grad_x f(x), on a 24x24 grid, and circles of its noise "
              "std on the same scale (legend, bottom right): is a step drift or noise?");
  same_line_if_fits(checkbox_w("draw"));
  ImGui::Checkbox("draw", &draw_.active);
  note_widget(ctx, "draw_mode");
  help_marker("Draw your own dataset: a brush per class, erase, undo; 'Train on these points' restarts the run on "
              "them (a fifth held out for testing). While drawing, a drag paints instead of panning.");
  same_line_if_fits(em * 7.5f);
  ImGui::SetNextItemWidth(em * 7.5f);
  int by = buffer_by_age_ ? 1 : 0;
  if (ImGui::Combo("##bufcolor", &by, "by class slot\0by age\0")) buffer_by_age_ = by == 1;
  help_marker("Colour buffer samples by the class that owns their slot, or by SGLD steps since their reinit "
              "(magma: dark = fresh from the init distribution, light = old).");
  same_line_if_fits(em * 6);
  ImGui::SetNextItemWidth(em * 6);
  const std::string label_name = launch_label_ < 0 ? "p(x)" : "class " + std::to_string(launch_label_);
  if (ImGui::BeginCombo("##launch", label_name.c_str())) {
    if (ImGui::Selectable("p(x)", launch_label_ < 0)) launch_label_ = -1;
    for (int k = 0; k < n_classes; ++k)
      if (ImGui::Selectable(("class " + std::to_string(k)).c_str(), launch_label_ == k)) launch_label_ = k;
    ImGui::EndCombo();
  }
  help_marker("Click the landscape to launch an SGLD chain there: on log p(x), or on f(x)[y] of one class.");
  same_line_if_fits(labelled(em * 5, "chain steps"));
  ImGui::SetNextItemWidth(em * 5);
  ImGui::SliderInt("chain steps", &launch_steps_, 10, 2000, "%d", ImGuiSliderFlags_Logarithmic);
  same_line_if_fits(labelled(0, "Reset view") + ImGui::GetStyle().FramePadding.x * 2);
  if (ImGui::Button("Reset view")) view_init_ = false;
}


LandscapeOptions LandscapePanel::options() const {
  LandscapeOptions o;
  o.field = field_mode_key(mode_);
  o.log = log_scale_;
  o.colormap = plot::colormap_name(style_.colormap);
  o.contours = style_.contours;
  o.boundary = style_.boundaries;
  o.tint = style_.tint > 0;
  o.data = show_data_, o.buffer = show_buffer_, o.drift = show_drift_;
  return o;
}

void LandscapePanel::set_options(const LandscapeOptions& o) {
  field_mode_from_key(o.field, mode_);  // an unknown key keeps the current mode
  log_scale_ = o.log;
  for (int c = 0; c < plot::kColormapCount; ++c)
    if (o.colormap == plot::colormap_name(plot::Colormap(c))) style_.colormap = plot::Colormap(c);
  style_.contours = o.contours;
  style_.boundaries = o.boundary;
  style_.tint = o.tint ? 0.25f : 0.0f;
  show_data_ = o.data, show_buffer_ = o.buffer, show_drift_ = o.drift;
}

void LandscapePanel::set_view(const Box& b) {
  cx_ = (b.x0 + b.x1) / 2, cy_ = (b.y0 + b.y1) / 2, half_h_ = b.height() / 2;
  view_init_ = true;  // the data's default view no longer applies
}

}  // namespace jem::window
