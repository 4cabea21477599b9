#include "app/panels/panel_ab.h"

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <thread>

#include "app/plot/colormap.h"
#include "app/panels/controls_logic.h"
#include "app/panels/density_truth.h"
#include "app/widgets/widgets.h"
#include "app/panels/panel_curves.h"
#include "core/params/schema.h"

namespace jem::window {
namespace {

constexpr ImU32 kColorA = IM_COL32(230, 159, 0, 255);   // orange
constexpr ImU32 kColorB = IM_COL32(86, 180, 233, 255);  // sky blue
constexpr plot::Colormap kFieldColormap = plot::Colormap::Viridis;

double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

// Every knob B may change, in schema order (threads and device belong to the A/B split itself).
bool editable(const ParamSpec& p) { return !p.not_compared; }


// One of the three images, or a line saying why it is not there yet.
void map_image(ImDrawList* dl, const gl::RenderTarget& t, bool ready, ImVec2 p0, ImVec2 size, const char* title,
               ImU32 title_color, const char* waiting) {
  const ImVec2 p1(p0.x + size.x, p0.y + size.y);
  if (ready && t.texture())
    dl->AddImage(reinterpret_cast<ImTextureID>(static_cast<intptr_t>(t.texture())), p0, p1, ImVec2(0, 1), ImVec2(1, 0));
  else
    dl->AddRectFilled(p0, p1, IM_COL32(33, 33, 38, 255));
  dl->AddRect(p0, p1, IM_COL32(90, 90, 100, 255));
  const float em = ImGui::GetFontSize();
  const ImVec2 ts = ImGui::CalcTextSize(title);
  dl->AddRectFilled(ImVec2(p0.x + 2, p0.y + 2), ImVec2(p0.x + ts.x + em * 0.7f, p0.y + ts.y + em * 0.35f),
                    IM_COL32(20, 20, 24, 200), 3);
  dl->AddText(ImVec2(p0.x + em * 0.35f, p0.y + em * 0.15f), title_color, title);
  if (!ready && waiting) {
    dl->PushClipRect(p0, p1, true);
    const ImVec2 ws = ImGui::CalcTextSize(waiting);
    dl->AddText(ImVec2(p0.x + std::max(em * 0.3f, (size.x - ws.x) / 2), p0.y + (size.y - ws.y) / 2),
                IM_COL32(200, 200, 205, 255), waiting);
    dl->PopClipRect();
  }
}

// The one series called `label` of a CurveSet group, recoloured and renamed for A or B.
void pick_series(const std::vector<plot::Series>& group, const char* label, const char* run, ImU32 color,
                 std::vector<plot::Series>& out) {
  for (const plot::Series& s : group)
    if (s.label == label) {
      out.push_back(s);
      out.back().label = run;
      out.back().color = color;
    }
}

// Data points drawn lightly (the fields are what the tab compares): in class colours, or grey on
// the difference map, whose blue and red must mean only the sign.
std::vector<float> points_rgba(const DataView& d, bool by_class) {
  std::vector<float> rgba(d.label.size() * 4, 0.1f);
  for (size_t i = 0; i < d.label.size(); ++i) {
    if (by_class) plot::class_rgb(d.label[i], &rgba[i * 4]);
    rgba[i * 4 + 3] = by_class ? 0.35f : 0.25f;
  }
  return rgba;
}

}  // namespace

void AbPanel::init(const std::string& shader_dir) { renderer_ = std::make_unique<gl::FieldRenderer>(shader_dir); }

void AbPanel::start_with(std::vector<KnobDiff> diffs) {
  diffs_ = std::move(diffs);
  start_queued_ = true;
}

void AbPanel::start(LabContext& ctx) {
  ctx_ = &ctx;
  start_error_ = session_.start(*ctx.snap, diffs_);
  if (start_error_.empty()) snap_b_ = session_.b(), collapse_editor_ = true;
}

void AbPanel::stop(LabContext& ctx) {
  ctx_ = &ctx;
  session_.stop(ctx.snap.get());
  snap_b_.reset();
  field_b_.reset(), data_b_.reset();
  have_maps_ = have_diff_ = false;
}

void AbPanel::update(LabContext& ctx) {
  ctx_ = &ctx;
  if (start_queued_ && ctx.restore_question.empty() && ctx.snap && ctx.snap->data) {
    start_queued_ = false;
    start(ctx);
  }
  ctx.ab_step = -1;
  ctx.snap_b.reset();
  ctx.send_b = nullptr;
  if (!session_.running()) return;
  session_.update(*ctx.snap, ctx.view_sent, ctx.view_sends);
  snap_b_ = session_.b();
  ctx.snap_b = snap_b_;
  ctx.send_b = [this](Command c) { session_.send_b(std::move(c)); };
  ctx.ab_step = snap_b_->step;
  ctx.ab_summary = ab_summary(ctx.snap->settings, snap_b_->settings);
}

void AbPanel::draw_editor(LabContext& ctx) {
  const Settings& a = ctx.snap->settings;
  const std::vector<ParamSpec>& specs = schema();
  if (knob_ < 0 || knob_ >= int(specs.size())) {
    knob_ = schema_index("sgld_lr");  // the knob a first A/B most often varies
    std::snprintf(value_, sizeof value_, "%s", get_param(a, specs[size_t(knob_)].name).c_str());
  }
  const ParamSpec& p = specs[size_t(knob_)];
  const float em = ImGui::GetFontSize();
  ImGui::SetNextItemWidth(em * 10);
  if (knob_picker("##abknob", knob_, editable)) {
    std::snprintf(value_, sizeof value_, "%s", get_param(a, specs[size_t(knob_)].name).c_str());
    edit_error_.clear();
  }
  ImGui::SameLine();
  bool add = false;
  ImGui::SetNextItemWidth(em * 7);
  if (p.type == ParamType::Bool) {
    bool v = std::string(value_) == "true";
    if (ImGui::Checkbox("##abbool", &v)) std::snprintf(value_, sizeof value_, "%s", v ? "true" : "false");
  } else if (p.type == ParamType::Choice) {
    if (ImGui::BeginCombo("##abchoice", value_)) {
      for (const std::string& c : p.choices)
        if (ImGui::Selectable(c.c_str(), c == value_)) std::snprintf(value_, sizeof value_, "%s", c.c_str());
      ImGui::EndCombo();
    }
  } else {
    add = ImGui::InputText("##abvalue", value_, sizeof value_, ImGuiInputTextFlags_EnterReturnsTrue);
  }
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("%s\n%s; A has %s", p.help.c_str(), describe_range(p).c_str(), get_param(a, p.name).c_str());
  ImGui::SameLine();
  add |= ImGui::Button("Set for B");
  note_widget(ctx, "ab_add");
  if (add) {
    // The schema's own parse and range check: a typo is a red line here, never a crash.
    edit_error_ = knob_diff_error(p.name, value_);
    if (edit_error_.empty()) put_knob_diff(diffs_, KnobDiff{p.name, value_});
  }
  if (!edit_error_.empty()) {
    ImGui::PushTextWrapPos(0);
    error_line(edit_error_);
    ImGui::PopTextWrapPos();
  }
  for (size_t i = 0; i < diffs_.size(); ++i) {
    ImGui::PushID(int(i));
    if (ImGui::SmallButton("x")) {
      diffs_.erase(diffs_.begin() + long(i));
      ImGui::PopID();
      break;
    }
    ImGui::SameLine();
    ImGui::Text("%s = %s", diffs_[i].name.c_str(), diffs_[i].value.c_str());
    ImGui::SameLine();
    ImGui::TextDisabled("(A: %s)", get_param(a, diffs_[i].name).c_str());
    ImGui::PopID();
  }
  if (diffs_.empty()) ImGui::TextDisabled("No differences yet: B would repeat A exactly.");
}

void AbPanel::render_maps(const Snapshot& a, const Snapshot& b, int px_w, int px_h, float point_px) {
  field_a_ = a.field, field_b_ = b.field;
  rendered_mode_ = mode_;
  rendered_w_ = px_w, rendered_h_ = px_h;
  rendered_at_ = Clock::now();
  const FieldGrid& fa = *a.field;
  const FieldGrid& fb = *b.field;
  if (a.data.get() != points_a_) {
    renderer_->upload_points(0, a.data->xy, points_rgba(*a.data, true));
    renderer_->upload_points(2, a.data->xy, points_rgba(*a.data, false));
    points_a_ = a.data.get(), data_a_ = a.data;
  }
  if (b.data && b.data.get() != points_b_) {
    renderer_->upload_points(1, b.data->xy, points_rgba(*b.data, true));
    points_b_ = b.data.get(), data_b_ = b.data;
  }
  const ScalarField sa = make_scalar_field(fa, FieldMode::NegEnergy, false, 0);
  const ScalarField sb = make_scalar_field(fb, FieldMode::NegEnergy, false, 0);
  range_ = shared_range(sa, sb);
  gl::FieldStyle style;
  style.lo = range_.lo, style.hi = range_.hi;
  style.colormap = kFieldColormap;
  style.contours = 8, style.tint = 0, style.boundaries = true;
  // Each map is drawn over its own grid's box: A's view is the one both were asked for.
  auto draw = [&](gl::RenderTarget& t, const FieldGrid& g, const ScalarField& s, int points_slot) {
    renderer_->upload_field(g.box, g.res, s.values, g.logits, g.n_classes);
    t.begin(px_w, px_h);
    renderer_->draw_field(fa.box, style);
    renderer_->draw_points(points_slot, fa.box, point_px);
    t.end();
  };
  draw(target_a_, fa, sa, 0);
  draw(target_b_, fb, sb, 1);
  have_maps_ = true;
  const auto diff = energy_difference(fa, fb, mode_);
  have_diff_ = diff.has_value();
  wait_reason_ = have_diff_ ? "" : "waiting for matching grids";
  if (!diff) return;
  diff_limit_ = diff->limit, diff_mean_ = diff->mean;
  gl::FieldStyle ds;
  ds.lo = -diff->limit, ds.hi = diff->limit;
  ds.colormap = plot::Colormap::Diverging;
  ds.contours = 2;  // levels at -limit, 0 and +limit: the zero line shows where A and B agree
  ds.tint = 0, ds.boundaries = false;
  renderer_->upload_field(fa.box, fa.res, diff->values, {}, 0);
  target_diff_.begin(px_w, px_h);
  renderer_->draw_field(fa.box, ds);
  renderer_->draw_points(2, fa.box, point_px);
  target_diff_.end();
}

// "A  step 1200  KL 0.081": the step and, where the data's density is known, the latest KL to it.
static void map_title(char* out, size_t size, const char* run, const Snapshot& s) {
  const double kl = latest_kl(s.history, 2 * size_t(std::max(s.settings.eval_every, 1)) + 64);
  if (std::isfinite(kl)) std::snprintf(out, size, "%s  step %lld  KL %.3g", run, static_cast<long long>(s.step), kl);
  else std::snprintf(out, size, "%s  step %lld", run, static_cast<long long>(s.step));
}

void AbPanel::draw_maps(LabContext& ctx, float height) {
  const Snapshot& a = *ctx.snap;
  const Snapshot& b = *snap_b_;
  const float em = ImGui::GetFontSize(), gap = em * 0.5f;
  const float width = ImGui::GetContentRegionAvail().x;
  const Box box = a.field ? a.field->box : Box{};
  const float aspect = std::clamp(box.width() / std::max(box.height(), 1e-6f), 0.3f, 3.0f);
  // Two rows of two cells (A | B, then the difference | its colour bar), with the shared colour
  // bar between the rows; the maps keep the view's aspect.
  const float bar_h = em * 0.7f, bar_block = em * 3.3f;
  float map_h = std::max(em * 4, (height - bar_block - gap * 2) / 2);
  float map_w = map_h * aspect;
  if (map_w > (width - gap) / 2) map_w = (width - gap) / 2, map_h = map_w / aspect;
  const ImVec2 fb = ImGui::GetIO().DisplayFramebufferScale;
  const int px_w = std::max(8, int(map_w * fb.x)), px_h = std::max(8, int(map_h * fb.y));

  const bool fields = a.field && b.field && a.data;
  const bool changed = !fields ? false
                               : a.field != field_a_ || b.field != field_b_ || mode_ != rendered_mode_ ||
                                     px_w != rendered_w_ || px_h != rendered_h_;
  const bool size_or_mode = px_w != rendered_w_ || px_h != rendered_h_ || mode_ != rendered_mode_;
  if (changed && (size_or_mode || !have_maps_ || seconds_since(rendered_at_) > 0.2))
    render_maps(a, b, px_w, px_h, 3.0f * ctx.ui_scale * fb.x);

  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 p0 = ImGui::GetCursorScreenPos();
  const float x_b = p0.x + map_w + gap;
  char title[96];
  map_title(title, sizeof title, "A", a);
  map_image(dl, target_a_, have_maps_, p0, ImVec2(map_w, map_h), title, kColorA, "waiting for A's grid");
  map_title(title, sizeof title, "B", b);
  map_image(dl, target_b_, have_maps_, ImVec2(x_b, p0.y), ImVec2(map_w, map_h), title, kColorB, "waiting for B's grid");
  ctx.panel_rects["ab_map_a"] = PanelRect{p0.x, p0.y, map_w, map_h};
  ctx.panel_rects["ab_map_b"] = PanelRect{x_b, p0.y, map_w, map_h};

  // The shared colour range, under both maps.
  const float bar_y = p0.y + map_h + em * 1.35f;
  colour_bar(dl, ImVec2(p0.x, bar_y), ImVec2(map_w * 2 + gap, bar_h), kFieldColormap, range_.lo, range_.hi, false,
             "-E(x) = log p(x) + log Z, one colour range for A and B");

  const float y_diff = p0.y + map_h + bar_block + gap;
  const ImVec2 pd(p0.x, y_diff);
  map_image(dl, target_diff_, have_diff_, pd, ImVec2(map_w, map_h), "E_A - E_B", IM_COL32(235, 235, 240, 255),
            wait_reason_.empty() ? "waiting for matching grids" : wait_reason_.c_str());
  ctx.panel_rects["ab_map_diff"] = PanelRect{pd.x, pd.y, map_w, map_h};
  ctx.ab_diff_shown = have_diff_;

  // The difference's colour bar, symmetric about 0, and what its colours mean.
  const ImVec2 db(x_b + em * 0.2f, y_diff + em * 0.6f);
  const float db_h = std::max(em * 3, map_h - em * 1.2f);
  const float legend_x = (have_diff_ ? colour_bar(dl, db, ImVec2(em * 0.8f, db_h), plot::Colormap::Diverging,
                                                  -diff_limit_, diff_limit_, true, nullptr)
                                     : db.x + em * 4) + em * 0.6f;
  ImGui::SetCursorScreenPos(ImVec2(legend_x, y_diff));
  ImGui::PushTextWrapPos(p0.x + width);
  ImGui::SetNextItemWidth(std::max(em * 4, p0.x + width - ImGui::GetCursorScreenPos().x));
  int mode = static_cast<int>(mode_);
  if (ImGui::Combo("##abmode", &mode, "normalised\0raw\0")) mode_ = DiffMode(mode);
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("Energies are defined up to a constant (log Z).\nnormalised: each E + log Z on the grid, so "
                      "the map is log p_B(x) - log p_A(x).\nraw: E_A - E_B as the models give them.");
  ImGui::SetCursorScreenPos(ImVec2(legend_x, ImGui::GetCursorScreenPos().y));
  ImGui::TextColored(ImVec4(0.55f, 0.7f, 1, 1), "blue: A lower E");
  ImGui::SetCursorScreenPos(ImVec2(legend_x, ImGui::GetCursorScreenPos().y));
  ImGui::TextColored(ImVec4(1, 0.6f, 0.5f, 1), "red: B lower E");
  if (have_diff_ && mode_ == DiffMode::Raw) {
    ImGui::SetCursorScreenPos(ImVec2(legend_x, ImGui::GetCursorScreenPos().y));
    ImGui::TextDisabled("mean %.3g", diff_mean_);
  }
  ImGui::PopTextWrapPos();
  ImGui::SetCursorScreenPos(p0);
  ImGui::Dummy(ImVec2(width, y_diff + map_h - p0.y));
}

void AbPanel::draw_curves(LabContext& ctx, float height) {
  if (seconds_since(curves_at_) > 0.25) {
    curves_at_ = Clock::now();
    const CurveSet ca = build_curves(ctx.snap->history, 300), cb = build_curves(snap_b_->history, 300);
    loss_.clear(), acc_.clear(), gap_.clear();
    pick_series(ca.losses, "total", "A", kColorA, loss_);
    pick_series(cb.losses, "total", "B", kColorB, loss_);
    pick_series(ca.accuracy, "batch acc", "A", kColorA, acc_);
    pick_series(cb.accuracy, "batch acc", "B", kColorB, acc_);
    pick_series(ca.gap, "gap f(x_data) - f(x_q)", "A", kColorA, gap_);
    pick_series(cb.gap, "gap f(x_data) - f(x_q)", "B", kColorB, gap_);
  }
  const float spacing = ImGui::GetStyle().ItemSpacing.y;
  const float h = std::max(ImGui::GetFontSize() * 4, (height - 2 * spacing) / 3);
  char steps[96];
  std::snprintf(steps, sizeof steps, " (A step %lld, B step %lld)", static_cast<long long>(ctx.snap->step),
                static_cast<long long>(snap_b_->step));
  plot::PlotOptions o;
  o.height = h, o.title = std::string("loss") + steps;
  plot::line_plot("ab_loss", loss_, o);
  o = {}, o.height = h, o.title = "batch accuracy", o.fixed_y = true, o.y_min = 0, o.y_max = 1.02f;
  plot::line_plot("ab_acc", acc_, o);
  o = {}, o.height = h, o.title = "gap f(x_data) - f(x_q)";
  plot::line_plot("ab_gap", gap_, o);
}

void AbPanel::draw(LabContext& ctx) {
  record_tab_region(ctx, "ab");
  const bool image_data = ctx.snap->data && !ctx.snap->data->image_shape.empty();
  if (image_data && !session_.running()) {
    ImGui::TextWrapped("A/B compares 2D energy landscapes; this run trains on images. Pick a 2D preset first.");
    return;
  }
  if (collapse_editor_) ImGui::SetNextItemOpen(false), collapse_editor_ = false;
  if (ImGui::CollapsingHeader("B's knob differences", session_.running() ? 0 : ImGuiTreeNodeFlags_DefaultOpen)) draw_editor(ctx);
  if (ImGui::Button(session_.running() ? "Restart A and B" : "Start A/B")) start(ctx);
  note_widget(ctx, "ab_start");
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("A (the window's run) restarts from step 0 and B starts beside it with A's knobs plus the "
                      "differences, from the same seed. Each gets half of the training cores.");
  ImGui::SameLine();
  ImGui::BeginDisabled(!session_.running());
  if (ImGui::Button("Stop B")) stop(ctx);
  ImGui::EndDisabled();
  note_widget(ctx, "ab_stop");
  if (session_.running()) {
    ImGui::SameLine();
    ImGui::Checkbox("in step", &session_.in_step);
    if (ImGui::IsItemHovered())
      ImGui::SetTooltip("The run ahead waits (paused) for the other, so both maps show the same training step.\n"
                        "Off: each trains at its own speed.");
    ImGui::SameLine();
    const char* waiting = session_.holding_a() ? "; A waits for B" : session_.holding_b() ? "; B waits for A" : "";
    ImGui::TextDisabled("B %s, %.0f it/s; threads %d each%s", run_state_name(snap_b_->state), snap_b_->iters_per_s,
                        snap_b_->settings.threads, waiting);
  }
  if (!start_error_.empty()) {
    ImGui::PushTextWrapPos(0);
    error_line(start_error_);
    ImGui::PopTextWrapPos();
  }
  if (!session_.running() || !snap_b_) {
    ImGui::TextWrapped("List the knobs B changes, then Start A/B: both runs restart from step 0 with the same seed, "
                       "the maps share one view and one colour range, and the third map shows E_A(x) - E_B(x).");
    return;
  }
  ImGui::PushTextWrapPos(0);
  ImGui::TextUnformatted(ab_summary(ctx.snap->settings, snap_b_->settings).c_str());
  ImGui::PopTextWrapPos();
  const float avail = ImGui::GetContentRegionAvail().y;
  const float curves_h = std::max(ImGui::GetFontSize() * 13, avail * 0.36f);
  draw_maps(ctx, std::max(ImGui::GetFontSize() * 12, avail - curves_h - ImGui::GetStyle().ItemSpacing.y));
  draw_curves(ctx, std::max(ImGui::GetFontSize() * 12, ImGui::GetContentRegionAvail().y));
}

}  // namespace jem::window
