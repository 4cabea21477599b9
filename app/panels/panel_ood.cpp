#include "app/panels/panel_ood.h"

#include <imgui.h>

#include <algorithm>

#include "app/plot/bar_chart.h"
#include "app/widgets/widgets.h"
#include "core/eval/evaluate.h"

namespace jem::window {
namespace {

struct ScoreInfo {
  const char* name;
  const char* help;
};
constexpr ScoreInfo kOodScores[] = {
    {"px", "log p(x) up to a constant: logsumexp_y f(x)[y]. JEM's density score."},
    {"py", "max_y p(y|x): the classifier's confidence, the usual baseline."},
    {"pxgrad", "-|d log p(x)/dx|: in-distribution points sit where the density is flat (Grathwohl et al.)."},
    {"energy", "T logsumexp(f(x)/T): the energy score of Liu et al. 2020, with the temperature T."},
};

const OodScoreResult* find_score(const OodEval& e, const std::string& name) {
  for (const OodScoreResult& r : e.scores)
    if (r.score == name) return &r;
  return nullptr;
}

}  // namespace

void OodPanel::draw(LabContext& ctx) {
  const Snapshot& s = *ctx.snap;
  record_tab_region(ctx, "ood");
  if (s.eval && !synced_) {
    dataset_ = s.eval->ood.ood_dataset;
    temperature_ = float(s.eval->temperature);
    synced_ = true;
  }
  const float em = ImGui::GetFontSize();

  // The OOD set and the temperature are evaluated by the runner: changing them asks for a new
  // evaluation. The score only picks which of the four published results is drawn.
  static const std::vector<std::string> datasets = ood_dataset_names();
  ImGui::SetNextItemWidth(em * 8);
  if (ImGui::BeginCombo("OOD set", dataset_.empty() ? "uniform" : dataset_.c_str())) {
    for (const std::string& d : datasets)
      if (ImGui::Selectable(d.c_str(), d == dataset_)) {
        dataset_ = d;
        ctx.send(cmd::SetOod{dataset_, temperature_});
      }
    ImGui::EndCombo();
  }
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("uniform: the data box enlarged twice; shifted / rotated: copies of the test data; "
                      "or another 2D dataset.");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(em * 7);
  ImGui::SliderFloat("T", &temperature_, 0.1f, 100.0f, "%.2g", ImGuiSliderFlags_Logarithmic);
  if (ImGui::IsItemDeactivatedAfterEdit())
    ctx.send(cmd::SetOod{dataset_.empty() ? "uniform" : dataset_, temperature_});
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Temperature of the energy score (applies on release).");

  for (int i = 0; i < int(std::size(kOodScores)); ++i) {
    if (i) ImGui::SameLine();
    ImGui::RadioButton(kOodScores[i].name, &score_, i);
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", kOodScores[i].help);
  }
  same_line_if_fits(ImGui::GetFontSize() * 10);
  ImGui::Checkbox("correct / wrong", &split_);
  help_marker("Split the test histogram into the points the classifier gets right and those it gets wrong "
              "(the textbook's exercise 2): where do the misclassified inputs' scores fall, between the data and "
              "the OOD set?");

  if (!s.eval || s.eval->ood.scores.empty()) {
    ImGui::TextDisabled("Waiting for the first evaluation of the test split...");
    return;
  }
  const OodEval& e = s.eval->ood;
  // All four AUROCs on one line: the comparison between scores is the lesson.
  for (int i = 0; i < int(std::size(kOodScores)); ++i) {
    const OodScoreResult* r = find_score(e, kOodScores[i].name);
    if (i) ImGui::SameLine();
    const ImVec4 color = i == score_ ? ImVec4(1, 0.9f, 0.4f, 1) : ImVec4(0.7f, 0.7f, 0.75f, 1);
    if (r) ImGui::TextColored(color, "%s %.3f", kOodScores[i].name, r->auroc);
  }
  ImGui::TextDisabled("AUROC: test (%lld) vs %s (%lld), step %lld", static_cast<long long>(e.n_in),
                      e.ood_dataset.c_str(), static_cast<long long>(e.n_ood), static_cast<long long>(s.eval->step));
  ImGui::PushTextWrapPos(0);
  ImGui::TextDisabled("Higher score = more in-distribution. AUROC 1: the two histograms do not overlap; "
                      "0.5: the score cannot tell them apart; below 0.5: it ranks the OOD points higher (a classifier "
                      "is often most confident far from the data).");
  ImGui::PopTextWrapPos();

  const OodScoreResult* r = find_score(e, kOodScores[score_].name);
  float h = ImGui::GetContentRegionAvail().y - ImGui::GetStyle().ItemSpacing.y;
  if (!r || r->hist.counts.size() < 2 || r->hist.n_bins <= 0) {
    plot::empty_axes(std::max(80.0f, h), std::string(kOodScores[score_].name) + ": no histogram");
    return;
  }
  const std::string ood_label = r->hist.names.size() > 1 ? r->hist.names[1] : e.ood_dataset;
  std::vector<plot::HistogramSeries> series = {
      {"test", IM_COL32(86, 180, 233, 255), plot::normalise_counts(r->hist.counts[0])},
      {ood_label, IM_COL32(230, 159, 0, 255), plot::normalise_counts(r->hist.counts[1])},
  };
  if (split_ && r->split.counts.size() == 3) {
    series = {{"test correct", IM_COL32(86, 180, 233, 255), plot::normalise_counts(r->split.counts[0])},
              {"misclassified (" + std::to_string(r->n_misclassified) + ")", IM_COL32(213, 94, 0, 255),
               plot::normalise_counts(r->split.counts[1])},
              {ood_label, IM_COL32(230, 159, 0, 255), plot::normalise_counts(r->split.counts[2])}};
    if (r->n_misclassified > 0)
      ImGui::TextDisabled("mean score: correct %.3g, misclassified %.3g, %s %.3g", r->mean_correct, r->mean_misclassified,
                          ood_label.c_str(), r->mean_ood);
    else
      ImGui::TextDisabled("mean score: correct %.3g, %s %.3g; the classifier gets every test point right", r->mean_correct,
                          ood_label.c_str(), r->mean_ood);
    ctx.facts["ood_split_shown"] = "1";
    h = ImGui::GetContentRegionAvail().y - ImGui::GetStyle().ItemSpacing.y;
  }
  plot::HistogramOptions ho;
  ho.height = std::max(100.0f, h);
  ho.title = std::string(kOodScores[score_].name) + " score";
  ho.lo = r->hist.lo, ho.hi = r->hist.hi;
  plot::overlaid_histograms("ood_hist", series, ho);
}

}  // namespace jem::window
