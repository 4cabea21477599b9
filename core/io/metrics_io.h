// StepStats as JSON lines (metrics.jsonl) and CSV rows; NaN (a term not computed) becomes null / empty.
#pragma once
#include <string>

#include "core/jem/views.h"

namespace jem {

std::string stats_to_json_line(const StepStats& s);
std::string stats_csv_header();
std::string stats_to_csv_row(const StepStats& s);

}  // namespace jem
