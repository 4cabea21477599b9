// Every knob's ParamSpec, in schema order (schema_knobs.cpp); schema() keeps one copy of it.
#pragma once
#include <vector>

#include "core/params/schema.h"

namespace jem {

std::vector<ParamSpec> build_schema();

}  // namespace jem
