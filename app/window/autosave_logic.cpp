#include "app/window/autosave_logic.h"

#include <ctime>

#include "core/util/error.h"

namespace jem::window {

std::string default_autosave_path(const char* xdg_state_home, const char* home) {
  // The spec ignores relative values: they would depend on the folder the window was started in.
  if (xdg_state_home && xdg_state_home[0] == '/') return std::string(xdg_state_home) + "/jemlab/autosave.ckpt";
  if (home && home[0] == '/') return std::string(home) + "/.local/state/jemlab/autosave.ckpt";
  return "";
}

std::string restore_question(const CheckpointInfo& info) {
  char when[32] = "an unknown time";
  const std::time_t t = static_cast<std::time_t>(info.saved_at);
  std::tm local{};
  if (info.saved_at > 0 && localtime_r(&t, &local)) std::strftime(when, sizeof when, "%Y-%m-%d %H:%M", &local);
  return "Restore the session autosaved at " + std::string(when) + " (step " + std::to_string(info.step) +
         ", dataset " + info.dataset + ")?";
}

RestoreChoice parse_restore_choice(const std::string& text) {
  if (text == "ask") return RestoreChoice::Ask;
  if (text == "yes") return RestoreChoice::Yes;
  if (text == "no") return RestoreChoice::No;
  throw Error("--restore-autosave: '" + text + "' is not one of ask, yes, no");
}

}  // namespace jem::window
