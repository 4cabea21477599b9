#include "app/panels/panel_control_dataset.h"

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

#include "app/plot/bar_chart.h"
#include "app/widgets/widgets.h"

namespace jem::window {
namespace {

constexpr ImU32 kTrue = IM_COL32(225, 225, 230, 255);
constexpr ImU32 kBaseline = IM_COL32(230, 159, 0, 255);
constexpr ImU32 kJem = IM_COL32(86, 180, 233, 255);

// One chart's numbers, flattened in the order of its category labels.
struct TripleSlice {
  std::vector<double> truth, baseline, jem;
};

std::vector<double> joint_of(const TripleTable& t) { return {t.joint[0][0], t.joint[0][1], t.joint[1][0], t.joint[1][1]}; }
std::vector<double> px_of(const TripleTable& t) { return {t.px[0], t.px[1]}; }
std::vector<double> conditional_of(const TripleTable& t) {
  return {t.py_given_x[0][0], t.py_given_x[0][1], t.py_given_x[1][0], t.py_given_x[1][1]};
}

double max_abs_error(const std::vector<double>& a, const std::vector<double>& b) {
  double e = 0;
  for (size_t i = 0; i < a.size() && i < b.size(); ++i) e = std::max(e, std::fabs(a[i] - b[i]));
  return e;
}

// Titles carry the worst error of each model: the numbers a student should compare.
void triple_chart(const char* id, const char* what, const std::vector<std::string>& categories,
                  const TripleSlice& s, float height) {
  char title[96];
  std::snprintf(title, sizeof title, "%s  max err: base %.3f, JEM %.3f", what, max_abs_error(s.baseline, s.truth),
                max_abs_error(s.jem, s.truth));
  plot::BarOptions o;
  o.height = height, o.title = title, o.y_max = 1, o.legend = false;
  plot::grouped_bars(id, categories,
                     {{"true", kTrue, s.truth}, {"baseline", kBaseline, s.baseline}, {"JEM", kJem, s.jem}}, o);
}

}  // namespace

void ControlDatasetPanel::draw(LabContext& ctx) {
  const Snapshot& s = *ctx.snap;
  record_tab_region(ctx, "control");
  if (s.control && !table_synced_) {
    const auto& j = s.control->result.truth.joint;
    table_[0] = j[0][0], table_[1] = j[0][1], table_[2] = j[1][0], table_[3] = j[1][1];
    table_synced_ = true;
  }
  const float em = ImGui::GetFontSize();

  // The table to train on, laid out as the 2x2 table it is (rows x, columns y): any non-negative
  // numbers, normalised by the engine.
  const float x0 = ImGui::GetCursorPosX(), col1 = x0 + em * 3.6f;
  const float field_w = std::clamp((ImGui::GetContentRegionAvail().x - em * 10) / 2, em * 3.5f, em * 6);
  const float col2 = col1 + field_w + ImGui::GetStyle().ItemSpacing.x;
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted("p(x,y)");
  ImGui::SameLine(col1);
  ImGui::TextUnformatted("y=0");
  ImGui::SameLine(col2);
  ImGui::TextUnformatted("y=1");
  ImGui::SameLine(col2 + field_w + em);
  if (ImGui::Button("Restart")) {
    cmd::SetControlJoint c;
    std::copy(table_, table_ + 4, c.p);
    ctx.send(c);
  }
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("Train the baseline and JEM again from scratch on this joint table (normalised to sum 1).");
  for (int row = 0; row < 2; ++row) {
    ImGui::AlignTextToFramePadding();
    ImGui::Text("x=%d", row);
    for (int col = 0; col < 2; ++col) {
      ImGui::SameLine(col == 0 ? col1 : col2);
      ImGui::SetNextItemWidth(field_w);
      ImGui::PushID(row * 2 + col);
      ImGui::InputDouble("##p", &table_[row * 2 + col], 0, 0, "%.3f");
      ImGui::PopID();
      table_[row * 2 + col] = std::max(0.0, table_[row * 2 + col]);
    }
  }

  ImGui::PushTextWrapPos(0);
  ImGui::TextDisabled("Two tiny models on binary x and y, drawn from the table. The baseline (cross-entropy) gets "
                      "p(y|x) right but its p(x) is wrong; JEM (with the exact p(x) term) gets all three.");
  ImGui::PopTextWrapPos();
  if (!s.control) {
    ImGui::TextDisabled("Waiting for the control run to start...");
    return;
  }
  const ControlView& c = *s.control;
  char progress[64];
  std::snprintf(progress, sizeof progress, "Adam step %d / %d", c.iteration, c.iters);
  ImGui::ProgressBar(c.iters > 0 ? float(c.iteration) / c.iters : 0.0f, ImVec2(-1, 0), progress);

  const ControlResult& r = c.result;
  plot::legend_row({{"true", kTrue}, {"baseline (cross-entropy)", kBaseline}, {"JEM", kJem}});
  const float spacing = ImGui::GetStyle().ItemSpacing.y;
  const float h = std::max(80.0f, (ImGui::GetContentRegionAvail().y - 3 * spacing) / 3);
  triple_chart("joint", "p(x,y)", {"x0 y0", "x0 y1", "x1 y0", "x1 y1"},
               {joint_of(r.truth), joint_of(r.baseline), joint_of(r.jem)}, h);
  triple_chart("marginal", "p(x)", {"x=0", "x=1"}, {px_of(r.truth), px_of(r.baseline), px_of(r.jem)}, h);
  triple_chart("conditional", "p(y|x)", {"y0|x0", "y1|x0", "y0|x1", "y1|x1"},
               {conditional_of(r.truth), conditional_of(r.baseline), conditional_of(r.jem)}, h);
}

}  // namespace jem::window
