// The one parameter schema: name, type, range, scale, default, group and one-line help for every
// knob in Settings. It drives the CLI flags, JSON config files, presets and the window's widgets.
#pragma once
#include <string>
#include <optional>
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
  std::string group;  // loss | sampler | optimiser | data | model | run | robustness
  std::string help;
  double min = 0, max = 0;  // Real and Int
  bool log_scale = false;
  std::vector<std::string> choices;  // Choice (Text: any string without control characters)
  Effect effect = Effect::Live;
  std::variant<double Settings::*, int Settings::*, bool Settings::*, std::string Settings::*> field;
  // Knob facts the trainer, A/B and sweeps act on, so that none of them compares a knob's name.
  bool resets_run = false;             // a change starts the run again (data, model, seed, device)
  const char* not_compared = nullptr;  // why A/B and sweeps cannot vary it (null: they can)
  bool set_per_sweep_run = false;      // a sweep's seed loop sets it (seeds=N), so it is not swept
};

struct ParamGroup {
  std::string key;    // "loss", "sampler", ...: ParamSpec::group
  std::string title;  // what the window's section says
};
const std::vector<ParamGroup>& param_groups();  // in schema order

// A knob's value as its type: what the window's widgets send (no text round trip).
using KnobValue = std::variant<double, int, bool, std::string>;

const std::vector<ParamSpec>& schema();
const ParamSpec* find_param(std::string_view name);
// The knob's index in schema() (a widget's default pick); throws like param_or_throw.
int schema_index(std::string_view name);
// The spec or an Error naming the unknown knob (with the closest known name).
const ParamSpec& param_or_throw(std::string_view name);

// Parses and range-checks `text`, then stores it. Throws Error naming the knob and its range.
void set_param(Settings& s, std::string_view name, std::string_view text);
std::string get_param(const Settings& s, std::string_view name);
// Typed: range-checks and stores v (an int or double for Real and Int knobs, a whole number for
// Int; bool; a string for Choice and Text, or text to parse for the others). Throws Error naming
// the knob and its range.
void set_value(Settings& s, const ParamSpec& p, const KnobValue& v);
KnobValue get_value(const Settings& s, const ParamSpec& p);
bool same_value(const Settings& a, const Settings& b, const ParamSpec& p);
// "true"/"1"/"on"/"yes" and their opposites: the words a bool knob takes, in flags and files.
std::optional<bool> parse_bool_word(std::string_view word);
double get_number(const Settings& s, const ParamSpec& p);  // Real, Int and Bool as a number

// Checks every knob against its range and the cross-knob rules; throws Error on the first bad one.
void validate(const Settings& s);
// The eps knob's radii, ascending without repeats; throws Error naming a bad item.
std::vector<double> attack_radii(const Settings& s);

std::string describe_range(const ParamSpec& p);  // "[1e-06, 100]" or "one of a|b|c"
std::string type_name(ParamType t);

}  // namespace jem
