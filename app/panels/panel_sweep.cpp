#include "app/panels/panel_sweep.h"

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <exception>

#include "app/plot/axes.h"
#include "app/widgets/widgets.h"
#include "core/util/atomic_file.h"

namespace jem::window {
namespace {

constexpr ImU32 kPoint = IM_COL32(86, 180, 233, 255);  // one run (a seed)
constexpr ImU32 kMean = IM_COL32(230, 159, 0, 255);    // mean over seeds, per value
constexpr ImU32 kTick = IM_COL32(200, 200, 205, 255);
constexpr ImU32 kGrid = IM_COL32(255, 255, 255, 28);
const ImVec4 kError(1.0f, 0.45f, 0.4f, 1), kNote(0.95f, 0.8f, 0.4f, 1), kGood(0.55f, 0.85f, 0.55f, 1);

std::string cell(double v, const char* fmt = "%.3f") {
  if (!std::isfinite(v)) return "-";
  char b[32];
  std::snprintf(b, sizeof b, fmt, v);
  return b;
}

// One metric against the swept value: the values as x labels (those that would overlap skipped),
// the line through the means, a dot per run; hovering names the nearest run.
void metric_plot(const SweepChart& c, const SweepMetricPlot& m, float height, PanelRect& frame) {
  plot::AxesOptions o;
  o.height = height, o.x_ticks = false;
  o.bottom_em = c.categorical ? 2.3f : 1.25f;  // choices' names take two staggered rows
  // Room above the data for the title, so that no point hides under it.
  const float frame_h = height - ImGui::GetFontSize() * (o.bottom_em + 0.3f), title_h = ImGui::GetFontSize() * 1.4f;
  const double y_hi = m.y_hi + (m.y_hi - m.y_lo) * title_h / std::max(1.0f, frame_h - title_h);
  const plot::Axes a = plot::begin_axes(o, c.x_lo, c.x_hi, m.y_lo, y_hi);
  frame = {a.p0.x, a.p0.y, a.p1.x - a.p0.x, a.p1.y - a.p0.y};
  // Each value labelled where it is; one that would overlap its neighbour goes to the second row
  // (choices) or is left out (numbers: the position says enough).
  float last_right[2] = {-1e9f, -1e9f};
  for (const SweepTick& t : c.ticks) {
    const float x = a.sx(t.x);
    a.dl->AddLine(ImVec2(x, a.p0.y), ImVec2(x, a.p1.y), kGrid);
    const ImVec2 ts = ImGui::CalcTextSize(t.label.c_str());
    for (int row = 0; row < (c.categorical ? 2 : 1); ++row) {
      if (x - ts.x / 2 < last_right[row] + 4 * a.scale) continue;
      a.dl->AddText(ImVec2(x - ts.x / 2, a.p1.y + 1 + row * ts.y), kTick, t.label.c_str());
      last_right[row] = x + ts.x / 2;
      break;
    }
  }
  for (size_t i = 1; i < m.means.size(); ++i)
    a.dl->AddLine(ImVec2(a.sx(m.means[i - 1].x), a.sy(m.means[i - 1].y)), ImVec2(a.sx(m.means[i].x), a.sy(m.means[i].y)),
                  kMean, 2.5f * a.scale);
  for (const SweepPoint& p : m.means)  // a short bar marks the mean even where there is one value
    a.dl->AddRectFilled(ImVec2(a.sx(p.x) - 6 * a.scale, a.sy(p.y) - 1.5f * a.scale),
                        ImVec2(a.sx(p.x) + 6 * a.scale, a.sy(p.y) + 1.5f * a.scale), kMean);
  for (const SweepPoint& p : m.points) a.dl->AddCircleFilled(ImVec2(a.sx(p.x), a.sy(p.y)), 3.5f * a.scale, kPoint, 12);
  plot::draw_legend(a, m.title, {});
  if (!a.hovered) return;
  const ImVec2 mouse = ImGui::GetIO().MousePos;
  const SweepPoint* best = nullptr;
  float best_d = 10 * a.scale;
  for (const SweepPoint& p : m.points) {
    const float d = std::hypot(a.sx(p.x) - mouse.x, a.sy(p.y) - mouse.y);
    if (d < best_d) best = &p, best_d = d;
  }
  if (best) ImGui::SetTooltip("%s, seed %d: %.4g", best->value.c_str(), best->seed, best->y);
}

}  // namespace

SweepPanel::SweepPanel() = default;
SweepPanel::~SweepPanel() = default;

void SweepPanel::request(const SweepRequest& r) { session_.request(r); }

bool SweepPanel::busy() const { return session_.busy(); }

void SweepPanel::update(LabContext& ctx) {
  ctx_ = &ctx;
  if (!ctx.snap) return;
  if (session_.pending()) {  // --sweep: the form shows what starts now
    adopt(*session_.pending());
    form_error_ = session_.update(*ctx.snap);
  } else {
    session_.update(*ctx.snap);
  }
  snap_ = session_.snapshot();
  ctx.facts["sweep_state"] = snap_ ? sweep_state_name(snap_->state) : "none";
  ctx.facts["sweep_rows"] = std::to_string(snap_ ? snap_->rows.size() : 0);
}

void SweepPanel::adopt(const SweepRequest& r) {
  if (find_param(r.param)) param_ = schema_index(r.param);
  std::snprintf(values_, sizeof values_, "%s", r.values.c_str());
  seeds_ = r.seeds, iters_ = r.iters;
}

void SweepPanel::start(LabContext& ctx, const SweepRequest& r) {
  ctx_ = &ctx;
  adopt(r);
  form_error_ = session_.start(r, *ctx.snap);
  snap_ = session_.snapshot();
  save_status_.clear();
}

void SweepPanel::draw(LabContext& ctx) {
  record_tab_region(ctx, "sweep");
  draw_form(ctx);
  draw_status(ctx);
  if (!snap_) return;
  const float em = ImGui::GetFontSize(), spacing = ImGui::GetStyle().ItemSpacing.y;
  const float avail = ImGui::GetContentRegionAvail().y;
  const float table_h = std::clamp(avail * 0.3f, em * 6, em * 16);
  const float plot_h = std::max(em * 6, (avail - table_h - em * 2.2f - 4 * spacing) / 2);
  draw_plots(ctx, plot_h);
  draw_table(ctx, std::max(em * 4, ImGui::GetContentRegionAvail().y - em * 1.8f - spacing));
}

void SweepPanel::draw_form(LabContext& ctx) {
  const auto& specs = schema();
  const Settings& current = ctx.snap->settings;
  if (param_ < 0) {
    param_ = schema_index("p_x_weight");  // the lab's first question: how much generative weight
    std::snprintf(values_, sizeof values_, "%s", suggest_sweep_values(specs[size_t(param_)], current).c_str());
  }
  const ParamSpec& spec = specs[size_t(param_)];
  const bool running = busy();
  const float w = ImGui::GetContentRegionAvail().x, em = ImGui::GetFontSize();
  ImGui::BeginDisabled(running);
  ImGui::SetNextItemWidth(w * 0.45f);
  if (knob_picker("knob", param_, sweepable))
    std::snprintf(values_, sizeof values_, "%s", suggest_sweep_values(specs[size_t(param_)], current).c_str());
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("%s\n%s %s%s", spec.help.c_str(), type_name(spec.type).c_str(), describe_range(spec).c_str(),
                      spec.log_scale ? ", log scale (the plots' x axis too)" : "");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(std::max(em * 3, ImGui::GetContentRegionAvail().x - ImGui::CalcTextSize("values").x -
                                               ImGui::GetStyle().ItemInnerSpacing.x));
  ImGui::InputTextWithHint("values", "v1,v2,...", values_, sizeof values_);
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("Comma-separated values of %s, each checked against its range %s", spec.name.c_str(),
                      describe_range(spec).c_str());
  ImGui::SetNextItemWidth(w * 0.22f);
  if (ImGui::InputInt("seeds", &seeds_)) seeds_ = std::clamp(seeds_, 1, 20);
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Runs per value, with seeds 1..N: the spread shows the noise.");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(w * 0.3f);
  if (ImGui::InputInt("iterations", &iters_, 50, 500)) iters_ = std::clamp(iters_, 1, 1000000);
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Training iterations of each run, from a fresh model.");
  ImGui::EndDisabled();

  SweepRequest req{spec.name, values_, seeds_, iters_};
  SweepPlan plan;
  const bool ok = running || make_sweep_plan(req, current, plan, form_error_);
  ImGui::BeginDisabled(running || !ok);
  if (ImGui::Button("Run sweep")) start(ctx, req);
  ImGui::EndDisabled();
  note_widget(ctx, "sweep_run");
  if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled))
    ImGui::SetTooltip("One fresh run per value and seed, from the current settings with %s set.\n"
                      "The main training pauses while the sweep runs.", spec.name.c_str());
  ImGui::SameLine();
  ImGui::BeginDisabled(!snap_ || snap_->finished());
  if (ImGui::Button("Cancel")) session_.cancel();
  ImGui::EndDisabled();
  note_widget(ctx, "sweep_cancel");
  if (!running && ok) {
    ImGui::SameLine();
    ImGui::TextDisabled("%zu runs x %d iterations", plan.n_runs(), iters_);
  } else if (!running) {
    ImGui::PushStyleColor(ImGuiCol_Text, kError);
    ImGui::TextWrapped("%s", form_error_.c_str());
    ImGui::PopStyleColor();
  }
}

void SweepPanel::draw_status(LabContext& ctx) {
  if (!snap_) {
    ImGui::TextWrapped("A sweep trains one fresh run per value (and seed) from the current settings and plots "
                       "test accuracy, ECE, OOD AUROC and exact NLL against the value as the runs finish. The main "
                       "training pauses while it runs.");
    return;
  }
  const SweepSnapshot& s = *snap_;
  const SweepPlan& p = *s.plan;
  const size_t n = s.n_runs();
  char text[256];
  if (!s.finished()) {
    const size_t run = std::min(s.run_index, n ? n - 1 : 0);
    if (s.evaluating)
      std::snprintf(text, sizeof text, "run %zu/%zu: %s=%s seed %d, evaluating", run + 1, n, p.param.c_str(),
                    p.values[p.value_of_run(run)].c_str(), p.seed_of_run(run));
    else
      std::snprintf(text, sizeof text, "run %zu/%zu: %s=%s seed %d, iteration %d/%d", run + 1, n, p.param.c_str(),
                    p.values[p.value_of_run(run)].c_str(), p.seed_of_run(run), s.step, p.iters);
    // The run on its own line: over the bar's fill the text would be hard to read.
    ImGui::TextUnformatted(text);
    char percent[16];
    std::snprintf(percent, sizeof percent, "%.0f%%", 100 * s.progress());
    ImGui::ProgressBar(float(s.progress()), ImVec2(-1, 0), percent);
    note_widget(ctx, "sweep_progress");
  } else if (s.state == SweepState::Failed) {
    ImGui::PushStyleColor(ImGuiCol_Text, kError);
    ImGui::TextWrapped("Sweep failed: %s", s.message.c_str());
    ImGui::PopStyleColor();
  } else {
    ImGui::TextColored(s.state == SweepState::Done ? kGood : kNote, "%s: %zu of %zu runs in %.0f s",
                       s.state == SweepState::Done ? "Sweep done" : "Sweep cancelled", s.rows.size(), n, s.elapsed_s);
  }
  if (!s.finished() && !session_.paused_main() && ctx.snap->state == RunState::Running) {
    ImGui::TextColored(kNote, "The main training runs too: both share the cores.");
  } else if (session_.paused_main() && !s.finished()) {
    ImGui::TextColored(kNote, "Main training paused while the sweep runs.");
  } else if (session_.paused_main()) {
    ImGui::TextColored(kNote, "Main training was paused for the sweep.");
    ImGui::SameLine();
    if (ImGui::SmallButton("Resume main training")) session_.resume_main();
    note_widget(ctx, "sweep_resume_main");
  }
}

void SweepPanel::draw_plots(LabContext& ctx, float plot_h) {
  const SweepChart chart = build_sweep_chart(*snap_->plan, snap_->rows);
  plot::legend_row({{"one run (seed)", kPoint}, {"mean over seeds", kMean}});
  if (chart.log_x) {
    ImGui::SameLine();
    ImGui::TextDisabled("x: %s, log scale", snap_->plan->param.c_str());
  } else {
    ImGui::SameLine();
    ImGui::TextDisabled("x: %s", snap_->plan->param.c_str());
  }
  const bool images = ctx.snap->data && !ctx.snap->data->image_shape.empty();
  if (!ImGui::BeginTable("sweep_plots", 2, ImGuiTableFlags_SizingStretchSame)) return;
  for (size_t k = 0; k < chart.metrics.size(); ++k) {
    ImGui::TableNextColumn();
    ImGui::PushID(int(k));
    const SweepMetricPlot& m = chart.metrics[k];
    if (m.points.empty()) {
      const bool no_nll = k == 3 && images;
      plot::empty_axes(plot_h, m.title + (no_nll ? ": 2D data only" : ": no run finished yet"));
    } else {
      PanelRect frame;
      metric_plot(chart, m, plot_h, frame);
      ctx.panel_rects["sweep_plot_" + std::to_string(k)] = frame;
    }
    ImGui::PopID();
  }
  ImGui::EndTable();
}

void SweepPanel::draw_table(LabContext& ctx, float height) {
  const SweepSnapshot& s = *snap_;
  const ImGuiTableFlags flags = ImGuiTableFlags_ScrollY | ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV |
                                ImGuiTableFlags_SizingStretchProp;
  if (ImGui::BeginTable("sweep_rows", 8, flags, ImVec2(0, height))) {
    ImGui::TableSetupScrollFreeze(0, 1);
    for (const char* h : {"value", "seed", "accuracy", "ECE", "AUROC", "NLL", "loss", "div."})
      ImGui::TableSetupColumn(h);
    ImGui::TableHeadersRow();
    for (const SweepRow& r : s.rows) {
      ImGui::TableNextRow();
      const std::string cells[] = {r.value,        std::to_string(r.seed), cell(r.accuracy), cell(r.ece),
                                   cell(r.auroc),  cell(r.nll),            cell(r.loss, "%.3g"),
                                   std::to_string(r.divergences)};
      for (const std::string& c : cells) {
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(c.c_str());
      }
    }
    if (!s.finished() && s.run_index < s.n_runs()) {  // the run in progress, dimmed
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::TextDisabled("%s", s.plan->values[s.plan->value_of_run(s.run_index)].c_str());
      ImGui::TableNextColumn();
      ImGui::TextDisabled("%d", s.plan->seed_of_run(s.run_index));
      ImGui::TableNextColumn();
      ImGui::TextDisabled("%s", s.evaluating ? "evaluating" : "training");
    }
    ImGui::EndTable();
  }
  ImGui::BeginDisabled(s.rows.empty());
  if (ImGui::Button("Save CSV")) {
    const std::string path = export_path(ctx, "sweep", "csv");
    if (path.empty()) {
      save_status_ = ctx.export_status;  // export_path put the reason there
    } else {
      try {
        write_file_atomically(path, sweep_csv(s.plan->param, s.rows));
        save_status_ = "wrote " + path;
        ctx.exported.push_back(path);
      } catch (const std::exception& e) {
        save_status_ = e.what();
      }
    }
  }
  ImGui::EndDisabled();
  note_widget(ctx, "sweep_save_csv");
  if (!save_status_.empty()) {
    ImGui::SameLine();
    ImGui::TextDisabled("%s", save_status_.c_str());
  }
}

}  // namespace jem::window
