#include "app/panels/panel_robustness.h"

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "app/plot/line_plot.h"
#include "app/widgets/widgets.h"
#include "core/params/schema.h"

namespace jem::window {
namespace {

constexpr const char* kGroup = "robustness";
// Okabe-Ito, as in attack.png: plain orange, refined sky blue, purified green.
ImU32 defence_colour(const std::string& d, uint8_t alpha) {
  if (d == "refined") return IM_COL32(86, 180, 233, alpha);
  if (d == "purified") return IM_COL32(0, 158, 115, alpha);
  return IM_COL32(230, 159, 0, alpha);
}

void add_series(std::vector<plot::Series>& out, const RobustnessEval& e, const char* prefix, uint8_t alpha) {
  for (size_t k = 0; k < e.defences.size(); ++k) {
    plot::Series s;
    s.label = prefix + e.defences[k];
    s.color = defence_colour(e.defences[k], alpha);
    for (size_t i = 0; i < e.eps.size() && i < e.accuracy[k].size(); ++i)
      s.x.push_back(float(e.eps[i])), s.y.push_back(float(e.accuracy[k][i]));
    out.push_back(std::move(s));
  }
}

std::string accuracy_fact(const RobustnessEval& e) {
  std::string out;
  for (size_t k = 0; k < e.defences.size(); ++k) {
    out += (k ? ";" : "") + e.defences[k] + ":";
    for (size_t i = 0; i < e.accuracy[k].size(); ++i) {
      char b[16];
      std::snprintf(b, sizeof b, "%s%.3f", i ? "," : "", e.accuracy[k][i]);
      out += b;
    }
  }
  return out;
}

}  // namespace

double robustness_cost_s(const Settings& s, double iters_per_s) {
  if (!(iters_per_s > 0)) return -1;
  double eps = 0;
  try {
    eps = double(attack_radii(s).size());
  } catch (const std::exception&) {
    return -1;
  }
  const double refine = s.n_steps_refine > 0 ? s.n_dup_chains * (s.n_steps_refine + 1.0) : 0;
  const double purify = s.purify_steps > 0 ? s.purify_steps + 1.0 : 0;
  const double defences = 1 + refine + purify;  // passes to classify one point by every defence
  const double per_step = 1 + (s.attack_through_defence ? refine + purify : 0);
  const double passes = s.attack_points * (eps * (s.n_steps_pgd_attack * per_step + defences) + defences);
  const double per_iteration = double(s.batch_size) * (s.n_steps + 2);  // SGLD steps, then the loss on data and samples
  return passes / per_iteration / iters_per_s;
}

std::string robustness_knobs_text(const Settings& s) {
  std::string out;
  for (const ParamSpec& p : schema())
    if (p.group == kGroup) out += p.name + "=" + get_param(s, p.name) + ",";
  return out;
}

bool RobustnessRequests::due(const Snapshot& s, bool live) {
  if (s.iters_per_s > 0) rate = s.iters_per_s;  // a paused run keeps the last rate it had
  const RobustnessView* r = s.robustness.get();
  if (pending && r != answered) pending = false;  // the answer arrived
  if (pending) return false;
  // The first look, and every change of the knobs, evaluate even when not live, unless the
  // trainer would stall for long (a Wide-ResNet on the CPU): then only "Evaluate now" does.
  const double cost = robustness_cost_s(s.settings, rate);
  if (cost < 0 || cost > kAutoSeconds) return false;
  if (robustness_knobs_text(s.settings) != asked_knobs) return true;
  return live && (!r || s.step - r->step >= kRefreshIters);
}

void RobustnessRequests::asked(const Snapshot& s) {
  pending = true;
  asked_step = s.step;
  asked_knobs = robustness_knobs_text(s.settings);
  answered = s.robustness.get();
}

void RobustnessPanel::keep_live(LabContext& ctx) {
  if (a_.due(*ctx.snap, live_)) {
    ctx.send(cmd::EvaluateRobustness{});
    a_.asked(*ctx.snap);
    reattack(ctx);  // the attacked point's path follows the model too
  }
  if (!ctx.snap_b || !ctx.send_b) return;
  if (b_.due(*ctx.snap_b, live_) || robustness_knobs_text(ctx.snap_b->settings) != robustness_knobs_text(ctx.snap->settings)) {
    // B evaluates with A's attack and defences: the comparison is between the models.
    for (const ParamSpec& p : schema())
      if (p.group == kGroup && !same_value(ctx.snap->settings, ctx.snap_b->settings, p))
        ctx.send_b(cmd::SetParam{p.name, get_value(ctx.snap->settings, p)});
    ctx.send_b(cmd::EvaluateRobustness{});
    b_.asked(*ctx.snap_b);
  }
}

void RobustnessPanel::reattack(LabContext& ctx) {
  if (const auto& a = ctx.snap->attack) ctx.send(cmd::AttackPoint{false, a->x, a->y, point_eps_});
}

void RobustnessPanel::draw_toolbar(LabContext& ctx, bool images) {
  const float em = ImGui::GetFontSize();
  if (ImGui::Button("Evaluate now")) {
    ctx.send(cmd::EvaluateRobustness{});
    a_.asked(*ctx.snap);
    if (ctx.send_b) ctx.send_b(cmd::EvaluateRobustness{}), b_.asked(*ctx.snap_b);
  }
  const double cost = robustness_cost_s(ctx.snap->settings, a_.rate);
  if (cost >= 0) {
    ImGui::SameLine();
    ImGui::TextDisabled("~%.2g s", cost);
  }
  help_marker("PGD on attack_points test points at every eps, against the plain classifier and its defences; "
              "the trainer waits meanwhile (the estimate is from its rate). Automatic evaluations run only when "
              "they take under 10 s.");
  same_line_if_fits(em * 6);
  ImGui::Checkbox("live", &live_);
  help_marker("Evaluate again every 200 iterations while the run trains (the trainer waits while it runs).");
  if (!images) {
    same_line_if_fits(em * 11);
    if (ImGui::Button("Attack a random point")) ctx.send(cmd::AttackPoint{true, 0, 0, point_eps_});
    note_widget(ctx, "attack_random");
    same_line_if_fits(em * 9);
    ImGui::SetNextItemWidth(em * 6);
    ImGui::SliderFloat("point eps", &point_eps_, 0.0f, 2.0f, "%.2f");
    if (ImGui::IsItemDeactivatedAfterEdit()) reattack(ctx);
    help_marker("The radius of the attack on a clicked point. With this tab open, a click on the landscape "
                "attacks the nearest test point instead of launching a chain.");
  }
  if (ImGui::CollapsingHeader("Attack & defence knobs"))
    for (const ParamSpec& p : schema())
      if (p.group == kGroup) knob_widget(ctx, p, pending_);
}

void RobustnessPanel::draw_curves(LabContext& ctx, float height) {
  const Snapshot& s = *ctx.snap;
  std::vector<plot::Series> series;
  const bool with_b = ctx.snap_b && ctx.snap_b->robustness;
  if (s.robustness) add_series(series, s.robustness->eval, with_b ? "A " : "", 255);
  if (with_b) add_series(series, ctx.snap_b->robustness->eval, "B ", 120);
  if (series.empty()) {
    plot::empty_axes(height, a_.pending ? "evaluating robustness..." : "no evaluation yet: press Evaluate now");
    return;
  }
  const RobustnessEval& e = s.robustness ? s.robustness->eval : ctx.snap_b->robustness->eval;
  std::vector<plot::LegendEntry> legend;
  for (const std::string& d : e.defences) legend.push_back({d, defence_colour(d, 255)});
  if (with_b) legend.push_back({"darker: run B", IM_COL32(150, 150, 150, 255)});
  const float legend_h = plot::legend_row(legend);
  plot::PlotOptions o;
  o.height = height - legend_h - ImGui::GetFontSize() * 0.3f;
  o.fixed_y = true, o.y_min = 0, o.y_max = 1;
  o.legend = false;
  o.title = "accuracy vs eps, PGD " + e.distance;
  plot::line_plot("robust_acc", series, o);
}

void RobustnessPanel::draw_examples(LabContext& ctx, float height) {
  const auto& r = ctx.snap->robustness;
  if (!r || r->eval.examples.n == 0) return;
  if (r != examples_src_) examples_.upload(r->eval.examples), examples_src_ = r;
  const ImageGrid& g = r->eval.examples;
  const int cols = g.n / 3;
  const float em = ImGui::GetFontSize();
  const float side = std::min((ImGui::GetContentRegionAvail().x - em) / float(cols) - 4, (height / 3) - em * 2.4f);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImTextureID tex = reinterpret_cast<ImTextureID>(static_cast<intptr_t>(examples_.texture()));
  for (int row = 0; row < 3; ++row) {
    ImGui::TextDisabled("%s", size_t(row) < r->eval.example_rows.size() ? r->eval.example_rows[size_t(row)].c_str() : "");
    const ImVec2 origin = ImGui::GetCursorScreenPos();
    for (int c = 0; c < cols; ++c) {
      const int i = row * cols + c;
      float uv[4];
      examples_.uv(i, uv);
      const ImVec2 p(origin.x + c * (side + 4), origin.y);
      dl->AddImage(tex, p, ImVec2(p.x + side, p.y + side), ImVec2(uv[0], uv[1]), ImVec2(uv[2], uv[3]));
      const bool right = size_t(i) < g.pred.size() && g.pred[size_t(i)] == g.label[size_t(i)];
      char caption[16];
      std::snprintf(caption, sizeof caption, "%d", size_t(i) < g.pred.size() ? g.pred[size_t(i)] : -1);
      dl->AddText(ImVec2(p.x, p.y + side), right ? IM_COL32(140, 220, 140, 255) : IM_COL32(255, 110, 110, 255), caption);
    }
    ImGui::Dummy(ImVec2(cols * (side + 4), side + em * 1.1f));
  }
}

void RobustnessPanel::draw(LabContext& ctx) {
  const Snapshot& s = *ctx.snap;
  const bool images = s.data && !s.data->image_shape.empty();
  record_tab_region(ctx, "robustness");
  if (images && !images_live_set_) live_ = false;
  images_live_set_ = true;
  ctx.attack_mode = !images;
  ctx.attack_eps = point_eps_;
  if (!images && !attacked_once_ && s.data) {
    ctx.send(cmd::AttackPoint{true, 0, 0, point_eps_});
    attacked_once_ = true;
  }
  keep_live(ctx);
  draw_toolbar(ctx, images);
  if (s.robustness) {
    const RobustnessEval& e = s.robustness->eval;
    ImGui::TextDisabled("step %lld: %lld test points, %d PGD steps, %.1f s", static_cast<long long>(s.robustness->step),
                        static_cast<long long>(e.n_points), e.n_steps, e.seconds);
    ctx.facts["robustness_step"] = std::to_string(s.robustness->step);
    ctx.facts["robustness_accuracy"] = accuracy_fact(e);
  }
  if (ctx.snap_b && ctx.snap_b->robustness) ctx.facts["robustness_b_step"] = std::to_string(ctx.snap_b->robustness->step);
  if (s.attack && !s.attack->attack_pred.empty()) {
    const AttackPath& a = *s.attack;
    char b[96];
    std::snprintf(b, sizeof b, "%d>%d>%d", a.label, a.attack_pred.back(), a.purify_pred.empty() ? -1 : a.purify_pred.back());
    ctx.facts["attack_classes"] = b;  // label > adversarial > purified
    std::snprintf(b, sizeof b, "%.6g %.6g", a.x, a.y);
    ctx.facts["attack_start"] = b;
  }
  ImGui::PushTextWrapPos(0);
  ImGui::TextDisabled("Each defence faces the plain classifier's PGD adversarial%s. JEM's energy pulls an attacked "
                      "point back toward its data; a baseline's logits give its defences nothing to descend.",
                      s.settings.attack_through_defence ? " and one through itself" : "");
  ImGui::PopTextWrapPos();
  const float h = ImGui::GetContentRegionAvail().y - ImGui::GetStyle().ItemSpacing.y;
  if (images) {
    draw_curves(ctx, std::max(100.0f, h * 0.45f));
    draw_examples(ctx, std::max(100.0f, h * 0.55f - ImGui::GetFontSize()));
  } else {
    draw_curves(ctx, std::max(100.0f, h));
  }
}

}  // namespace jem::window
