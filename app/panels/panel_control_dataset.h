// The control dataset (binary x, binary y, a 2x2 joint table): the "triple plot" of joint p(x,y),
// marginal p(x) and conditional p(y|x), true vs baseline vs JEM, as both models train live. The
// baseline learns p(y|x) but its logits say nothing about p(x); JEM gets all three.
#pragma once
#include "app/window/lab_context.h"

namespace jem::window {

class ControlDatasetPanel {
 public:
  void draw(LabContext& ctx);

 private:
  double table_[4] = {0.25, 0.25, 0.25, 0.25};  // p(0,0), p(0,1), p(1,0), p(1,1) being edited
  bool table_synced_ = false;                   // filled from the running table once
};

}  // namespace jem::window
