// A/B runs without a window: run B's knob differences (parsed and checked by the schema), the
// settings B starts from, the colour range both maps share and the energy-difference map.
// The A/B panel only draws around these (unit-tested in tests/test_ab_logic.cpp).
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "app/panels/field_scalar.h"
#include "core/params/settings.h"

namespace jem::window {

// One knob of run B that differs from run A; `value` is the schema's own text for it.
struct KnobDiff {
  std::string name, value;
};

// Checks one difference against the schema: "" when B may use it, else a sentence naming the
// knob and what is wrong (unknown name with the closest one, out of range, an image dataset...).
std::string knob_diff_error(const std::string& name, const std::string& value);

// "sgld_lr=3,n_steps=5" -> {sgld_lr 3, n_steps 5}; a later entry for the same knob replaces the
// earlier one. Throws jem::Error naming the first bad entry.
std::vector<KnobDiff> parse_knob_diffs(const std::string& text);

// Adds `d`, replacing an earlier difference of the same knob.
void put_knob_diff(std::vector<KnobDiff>& diffs, const KnobDiff& d);

// A's settings with B's differences applied and all knobs checked together; throws jem::Error.
Settings settings_for_b(const Settings& a, const std::vector<KnobDiff>& diffs);

// Threads each run gets while both train: two runs must not oversubscribe the cores the window
// leaves to training (cores - 1), so each gets half of them, at least one.
int ab_threads(unsigned cores);

// "B: sgld_lr 3 (A 0.1), n_steps 5 (A 20)" from the settings the two runs publish (threads,
// which the A/B split sets itself, are not a difference); "B: same knobs as A" when none.
std::string ab_summary(const Settings& a, const Settings& b);

// The colour range both fields are drawn with: the union of their own ranges.
struct ColorRange {
  float lo = 0, hi = 1;
};
ColorRange shared_range(const ScalarField& a, const ScalarField& b);

// Same box and resolution, and both carry a whole grid of energies: only then may they be subtracted.
bool grids_match(const FieldGrid& a, const FieldGrid& b);

enum class DiffMode {
  Normalised,  // (E_A + log Z_A) - (E_B + log Z_B) = log p_B(x) - log p_A(x), Z on the grid
  Raw,         // E_A(x) - E_B(x) as the models give them (each has its own arbitrary offset)
};
constexpr int kDiffModeCount = 2;
const char* diff_mode_name(DiffMode m);

// E_A - E_B on the common grid (layout of FieldGrid), with a colour range symmetric about 0.
struct EnergyDiff {
  std::vector<float> values;
  float limit = 1;  // the colours span [-limit, limit]: a high percentile of |difference|
  float mean = 0;   // mean over the grid (Raw mode: mostly the offset log Z_A - log Z_B)
  std::string label;
};
// nullopt when the grids do not match (different box or resolution, or empty).
std::optional<EnergyDiff> energy_difference(const FieldGrid& a, const FieldGrid& b, DiffMode mode);

}  // namespace jem::window
