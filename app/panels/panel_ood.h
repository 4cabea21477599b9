// Out-of-distribution detection: the chosen score's histograms on the test split and on an OOD
// set, overlaid on shared bins, with the AUROC of every score. A good density model (JEM's px)
// separates them; the baseline's logits, trained only for p(y|x), often do not.
#pragma once
#include <string>

#include "app/window/lab_context.h"

namespace jem::window {

class OodPanel {
 public:
  void draw(LabContext& ctx);
  void set_split(bool on) { split_ = on; }

 private:
  int score_ = 0;           // index into kOodScores
  std::string dataset_;     // what we asked for ("" until the first evaluation says)
  float temperature_ = 1;
  bool synced_ = false;     // dataset_ and temperature_ initialised from a published evaluation
  bool split_ = false;      // the test set split into correctly classified and misclassified (exercise 2)
};

}  // namespace jem::window
