// The Robustness tab: robust accuracy against eps for the plain, refined and purified classifiers
// of the running model (and of A/B's run B on the same plot), refreshed as it trains; in 2D one
// test point attacked and defended on the landscape (click it, or "attack a random point"); for
// images tiles of clean, adversarial and defended samples. The knobs are the schema's robustness
// group.
#pragma once
#include <cstdint>
#include <memory>
#include <string>

#include "app/gl/image_atlas.h"
#include "app/panels/controls_logic.h"
#include "app/window/lab_context.h"

namespace jem::window {

// One run's live evaluation: asked again when it is kRefreshIters old or the knobs changed.
struct RobustnessRequests {
  static constexpr int64_t kRefreshIters = 200;
  static constexpr double kAutoSeconds = 10;  // longer evaluations wait for "Evaluate now"
  bool pending = false;
  int64_t asked_step = -1;
  std::string asked_knobs;  // the robustness knobs of the last request
  const RobustnessView* answered = nullptr;  // the result the request was made after
  double rate = 0;  // the run's last measured iterations per second
  // Whether to ask now, given the run's snapshot: at the first look and when the knobs changed;
  // then with `live` every kRefreshIters iterations.
  bool due(const Snapshot& s, bool live);
  void asked(const Snapshot& s);
};
std::string robustness_knobs_text(const Settings& s);  // "distance=linf,eps=...": a change asks again
// About how long an evaluation stalls the trainer, from its measured iteration rate (forward and
// backward passes of one point against one iteration's); -1 while the rate is unknown.
double robustness_cost_s(const Settings& s, double iters_per_s);

class RobustnessPanel {
 public:
  void draw(LabContext& ctx);

 private:
  void draw_toolbar(LabContext& ctx, bool images);
  void draw_curves(LabContext& ctx, float height);
  void draw_examples(LabContext& ctx, float height);
  void keep_live(LabContext& ctx);
  void reattack(LabContext& ctx);  // the last attacked point again, at point_eps_ on the current model

  PendingEdits pending_;
  RobustnessRequests a_, b_;
  bool live_ = true;
  bool images_live_set_ = false;  // images start with live off: an evaluation costs seconds there
  bool attacked_once_ = false;    // the tab opens with one random point attacked
  float point_eps_ = 0.4f;
  gl::ImageAtlas examples_;
  std::shared_ptr<const RobustnessView> examples_src_;
};

}  // namespace jem::window
