// The session autosave: where it goes and what the window asks at start. No GL here (unit-tested).
#pragma once
#include <string>

#include "core/io/checkpoint.h"

namespace jem::window {

// $XDG_STATE_HOME/jemlab/autosave.ckpt, else $HOME/.local/state/jemlab/autosave.ckpt: the XDG base
// directory spec's place for state that outlives a session. "" when neither is usable.
std::string default_autosave_path(const char* xdg_state_home, const char* home);

// "Restore the session autosaved at 2025-03-07 14:02 (step 1234, dataset moons)?"
std::string restore_question(const CheckpointInfo& info);

enum class RestoreChoice { Ask, Yes, No };
RestoreChoice parse_restore_choice(const std::string& text);  // ask, yes or no; throws Error otherwise

}  // namespace jem::window
