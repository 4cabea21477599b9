// The one parameter schema: name, type, range, scale, default, group and one-line help for every
// knob in Settings. It drives the CLI flags, JSON config files, presets and the window's widgets.
#pragma once
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/params/settings.h"

namespace jem {

enum class ParamType { Real, Int, Bool, Choice, Text };

// What a change of the knob does to a running training.
enum class Effect {
  Live,       // read at the next iteration
  Optimizer,  // the optimiser is rebuilt (its state is lost)
  Buffer,     // the replay buffer is rebuilt
  Reset,      // data or model shape changed: the run starts again
  Runtime,    // threads, device, seed: handled by the runner
};

struct ParamSpec {
  std::string name;
  ParamType type;
  std::string group;  // loss | sampler | optimiser | data | model | run
  std::string help;
  double min = 0, max = 0;  // Real and Int
  bool log_scale = false;
  std::vector<std::string> choices;  // Choice (Text: any string without control characters)
  Effect effect = Effect::Live;
  std::variant<double Settings::*, int Settings::*, bool Settings::*, std::string Settings::*> field;
};

const std::vector<ParamSpec>& schema();
const ParamSpec* find_param(std::string_view name);
// The spec or an Error naming the unknown knob (with the closest known name).
const ParamSpec& param_or_throw(std::string_view name);

// Parses and range-checks `text`, then stores it. Throws Error naming the knob and its range.
void set_param(Settings& s, std::string_view name, std::string_view text);
std::string get_param(const Settings& s, std::string_view name);
double get_number(const Settings& s, const ParamSpec& p);  // Real, Int and Bool as a number

// Checks every knob against its range and the cross-knob rules; throws Error on the first bad one.
void validate(const Settings& s);

std::string describe_range(const ParamSpec& p);  // "[1e-06, 100]" or "one of a|b|c"
std::string type_name(ParamType t);

}  // namespace jem
