#include "app/panels/panel_curves.h"

#include <imgui.h>

#include <chrono>
#include <cmath>
#include <functional>

#include "app/widgets/widgets.h"

namespace jem::window {
namespace {

plot::Series series(const char* label, ImU32 color) {
  plot::Series s;
  s.label = label;
  s.color = color;
  return s;
}

}  // namespace

CurveSet build_curves(const MetricsHistory& h, size_t max_points) {
  CurveSet c;
  if (!h.empty()) c.first_step = float(h[0].step), c.last_step = float(h.back().step);
  using Get = std::function<double(const StepStats&)>;
  struct Spec {
    std::vector<plot::Series>* group;
    const char* label;
    ImU32 color;
    Get get;
  };
  const Spec specs[] = {
      {&c.losses, "total", IM_COL32(240, 240, 240, 255), [](const StepStats& s) { return s.loss; }},
      {&c.losses, "L p(x)", IM_COL32(86, 180, 233, 255), [](const StepStats& s) { return s.l_px; }},
      {&c.losses, "CE p(y|x)", IM_COL32(230, 159, 0, 255), [](const StepStats& s) { return s.l_pyx; }},
      {&c.losses, "L p(x|y)", IM_COL32(0, 158, 115, 255), [](const StepStats& s) { return s.l_pxy; }},
      {&c.losses, "E^2 reg", IM_COL32(204, 121, 167, 255), [](const StepStats& s) { return s.l_reg; }},
      {&c.accuracy, "batch acc", IM_COL32(230, 159, 0, 255), [](const StepStats& s) { return s.acc; }},
      {&c.accuracy, "test acc", IM_COL32(240, 228, 66, 255), [](const StepStats& s) { return s.test_acc; }},
      {&c.energies, "f(x_data)", IM_COL32(0, 158, 115, 255), [](const StepStats& s) { return s.f_data; }},
      {&c.energies, "f(x_q)", IM_COL32(213, 94, 0, 255), [](const StepStats& s) { return s.f_q; }},
      {&c.gap, "gap f(x_data) - f(x_q)", IM_COL32(86, 180, 233, 255), [](const StepStats& s) { return s.gap; }},
      {&c.grads, "param grad", IM_COL32(204, 121, 167, 255), [](const StepStats& s) { return s.grad_norm; }},
      {&c.grads, "SGLD |grad_x|", IM_COL32(86, 180, 233, 255), [](const StepStats& s) { return s.sgld_grad_norm; }},
      // Exact by quadrature, on evaluation iterations only (NaN elsewhere): drawn as dots.
      {&c.likelihood, "test NLL", IM_COL32(0, 158, 115, 255), [](const StepStats& s) { return s.test_nll; }},
      {&c.likelihood, "KL(p_true||p_model)", IM_COL32(204, 121, 167, 255),
       [](const StepStats& s) { return s.kl_true; }},
      {&c.likelihood, "test NLL, exp(beta f)", IM_COL32(86, 180, 233, 255),
       [](const StepStats& s) { return s.test_nll_chains != s.test_nll ? s.test_nll_chains : NAN; }},
      {&c.likelihood, "KL, exp(beta f)", IM_COL32(213, 94, 0, 255),
       [](const StepStats& s) { return s.kl_chains != s.kl_true ? s.kl_chains : NAN; }},
      {&c.lr, "lr", IM_COL32(200, 200, 200, 255), [](const StepStats& s) { return s.lr; }},
      {&c.sampler, "MALA acceptance", IM_COL32(240, 228, 66, 255), [](const StepStats& s) { return s.accept_rate; }},
      {&c.sampler, "smallest mode share", IM_COL32(213, 94, 0, 255), [](const StepStats& s) { return s.mode_share_min; }},
      {&c.sampler, "largest mode share", IM_COL32(0, 158, 115, 255), [](const StepStats& s) { return s.mode_share_max; }},
      {&c.samples, "buffer KL", IM_COL32(213, 94, 0, 255), [](const StepStats& s) { return s.buffer_kl; }},
      {&c.samples, "probe KL", IM_COL32(230, 159, 0, 255), [](const StepStats& s) { return s.probe_kl; }},
      {&c.samples, "exact sampler", IM_COL32(160, 160, 160, 255), [](const StepStats& s) { return s.probe_kl_floor; }},
      {&c.samples, "MMD^2 to data", IM_COL32(86, 180, 233, 255), [](const StepStats& s) { return s.mmd2; }},
  };
  const size_t n = h.size();
  const size_t stride = std::max<size_t>(1, (n + max_points - 1) / std::max<size_t>(1, max_points));
  for (const Spec& spec : specs) {
    plot::Series s = series(spec.label, spec.color);
    bool any = false;
    // Sparse series (test accuracy) keep every value; dense ones are averaged over the stride.
    for (size_t i = 0; i < n; i += stride) {
      double sum = 0;
      int count = 0;
      const size_t end = std::min(n, i + stride);
      for (size_t j = i; j < end; ++j) {
        const double v = spec.get(h[j]);
        if (std::isfinite(v)) sum += v, ++count;
      }
      s.x.push_back(float(h[end - 1].step));
      s.y.push_back(count ? float(sum / count) : NAN);
      any = any || count > 0;
    }
    if (any) spec.group->push_back(std::move(s));
  }
  return c;
}

void CurvesPanel::draw(LabContext& ctx) {
  record_tab_region(ctx, "curves");
  const MetricsHistory& h = ctx.snap->history;
  // Rebuilding walks the whole history: a few times a second is plenty for the eye.
  const auto now = std::chrono::steady_clock::now();
  // A new row, or an evaluation merged into one after the fact.
  if (h.revision() != built_revision_ && now - built_at_ > std::chrono::milliseconds(200)) {
    built_at_ = now;
    curves_ = build_curves(h, 600);
    built_revision_ = h.revision();
  }
  ImGui::Checkbox("log loss", &log_loss_);
  ImGui::SameLine();
  ImGui::Checkbox("log grads", &log_grads_);
  ImGui::SameLine();
  ImGui::Checkbox("log lr", &log_lr_);
  ImGui::SameLine();
  ImGui::Checkbox("log exact", &log_exact_);
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Log scales skip values <= 0 (the p(x) loss is often negative).");

  const float spacing = ImGui::GetStyle().ItemSpacing.y;
  const float avail = ImGui::GetContentRegionAvail().y;
  // Minimums in font units (HiDPI); small enough that all nine fit without scrolling at 1280x800.
  const float em = ImGui::GetFontSize();
  const float h_small = std::max(em * 3.2f, (avail - 9 * spacing) * 0.09f);
  const float h_big = std::max(em * 3.8f, (avail - 9 * spacing - 2 * h_small) / 7);
  // Every plot on the rows' step span, taken when the curves were built (the live history's would
  // move the axes with every snapshot, 15 redraws a second), with steady axes: while training, a
  // rebuild changes only the curves' new ends, which is all the window then redraws.
  const auto options = [&](float height, const char* title) {
    plot::PlotOptions o;
    o.height = height, o.title = title, o.steady = true;
    o.x_min = curves_.first_step, o.x_max = curves_.last_step;  // unset (0, 0) before any row
    return o;
  };
  plot::PlotOptions o = options(h_big, "loss");
  o.log_y = log_loss_;
  plot::line_plot("loss", curves_.losses, o);
  o = options(h_big, "accuracy"), o.fixed_y = true, o.y_min = 0, o.y_max = 1.02f;
  plot::line_plot("acc", curves_.accuracy, o);
  o = options(h_big, "mean -E");
  plot::line_plot("energies", curves_.energies, o);
  o = options(h_small, "gap f(x_data) - f(x_q)");
  plot::line_plot("gap", curves_.gap, o);
  o = options(h_big, "grad norms"), o.log_y = log_grads_;
  plot::line_plot("grads", curves_.grads, o);
  // Evaluation iterations only, on the same step axis as the dense curves above.
  o = options(h_big, "exact, nats"), o.log_y = log_exact_;
  if (curves_.likelihood.size() == 1) o.title = curves_.likelihood[0].label + ", exact (nats)";
  const bool images = ctx.snap->data && !ctx.snap->data->image_shape.empty();
  if (images) o.title = "exact likelihood: 2D data only (no quadrature over images)";
  else if (ctx.snap->data && !ctx.snap->data->has_true_density)
    o.title = "test NLL, exact (nats); no KL: true density unknown";
  plot::line_plot("likelihood", curves_.likelihood, o);
  o = options(h_big, "sampler: acceptance, mode shares"), o.fixed_y = true, o.y_min = 0, o.y_max = 1.02f;
  plot::line_plot("sampler", curves_.sampler, o);
  o = options(h_big, images ? "sample quality: 2D data only" : "samples vs exp(beta f): histogram KL, MMD^2");
  o.log_y = true;
  plot::line_plot("samples", curves_.samples, o);
  o = options(std::max(h_small, ImGui::GetContentRegionAvail().y - spacing), "learning rate"), o.log_y = log_lr_;
  plot::line_plot("lr", curves_.lr, o);
}

}  // namespace jem::window
