// What a call refused with: the jem::Error's message, or `accepted` when it threw nothing. The
// refusal tests compare whole messages (the line number, the entry named).
#pragma once
#include <string>
#include <utility>

#include "core/util/error.h"

template <typename F>
std::string error_message(F&& f, const std::string& accepted = "") {
  try {
    std::forward<F>(f)();
  } catch (const jem::Error& e) {
    return e.what();
  }
  return accepted;
}
