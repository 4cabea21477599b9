#include "app/window/analysis_tabs.h"

#include "app/panels/ab_logic.h"
#include "app/panels/sweep_logic.h"
#include "app/widgets/widgets.h"

namespace jem::window {

void AnalysisTabs::draw(LabContext& ctx, const PanelRect& rect) {
  sweep.update(ctx);  // a sweep runs (and --sweep starts) whichever tab is shown
  if (!ctx.ab_request.empty()) ab.start_with(parse_knob_diffs(ctx.ab_request)), ctx.ab_request.clear();
  if (!ctx.sweep_request.empty()) sweep.request(parse_sweep_option(ctx.sweep_request)), ctx.sweep_request.clear();
  ab.update(ctx);     // run B follows A's view whichever tab is shown
  ctx.attack_mode = false;  // the Robustness tab sets it again when it is drawn
  begin_panel("Analysis", "analysis", rect, ctx);
  if (ImGui::BeginTabBar("analysis_tabs")) {
    auto tab = [&](const char* label, const char* name, auto& panel) {
      const ImGuiTabItemFlags flags = ctx.tab_request == name ? ImGuiTabItemFlags_SetSelected : 0;
      const bool open = ImGui::BeginTabItem(label, nullptr, flags);
      note_widget(ctx, (std::string("tab_") + name).c_str());  // the tab's button, for the input test
      if (open) {
        ctx.current_tab = name;
        panel.draw(ctx);
        ImGui::EndTabItem();
      }
    };
    tab("Curves", "curves", curves);
    tab("Calibration", "calibration", calibration);
    tab("OOD", "ood", ood);
    tab("Control dataset", "control", control);
    tab("Stability", "stability", stability);
    tab("Robustness", "robustness", robustness);
    tab("Sweep", "sweep", sweep);
    tab("A/B", "ab", ab);
    ImGui::EndTabBar();
  }
  const bool tab_requested = !ctx.tab_request.empty();
  ctx.tab_request.clear();
  ImGui::End();
  // Calibration and OOD take ~15 ms of the trainer's time per 2D evaluation: only while shown
  // (a requested tab opens a frame later: no off-and-on in between).
  const bool watch = ctx.current_tab == "calibration" || ctx.current_tab == "ood";
  if (!tab_requested && watch != evaluations_watched) {
    ctx.send(cmd::WatchEvaluations{watch});
    evaluations_watched = watch;
  }
}

}  // namespace jem::window
