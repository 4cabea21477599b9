// At start, when an autosaved session exists, the window asks "Restore the session autosaved at
// <time> (step N, dataset X)?" in a modal. The runner waits paused for the answer, and autosaving
// starts only after it: closing the window unanswered never overwrites the session on offer.
#pragma once
#include <string>

#include "app/window/autosave_logic.h"
#include "app/window/lab_context.h"

namespace jem::window {

class RestorePrompt {
 public:
  // path "": no autosave. Peeks at the file (a damaged one is reported on stderr and not offered).
  RestorePrompt(std::string path, double every_s, RestoreChoice choice);
  bool runner_waits() const { return offered_; }  // start the runner paused
  // Once the runner exists: Yes restores at once, No starts autosaving, Ask opens the prompt.
  void start(LabContext& ctx);
  void draw(LabContext& ctx);  // the modal while it is open; after the panels

 private:
  void answer(LabContext& ctx, bool restore);
  std::string path_;
  double every_s_;
  RestoreChoice choice_;
  bool offered_ = false, asking_ = false, opened_ = false;
  std::string question_;
};

}  // namespace jem::window
