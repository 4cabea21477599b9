// Live indicators of sampler health, each with a threshold and a one-line explanation, computed
// from plain numbers the trainer publishes (torch-free, so they are tested by hand). Warnings
// come before the divergence guard trips: that is their point.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "core/jem/views.h"

namespace jem {

// Least-squares slope of y against x (NaN with fewer than two finite points).
double slope(const std::vector<double>& x, const std::vector<double>& y);
// Lag-k autocorrelation of one series (NaN when too short or constant).
double autocorrelation(const std::vector<double>& v, int lag);

struct StabilityInputs {
  // The last `gap_window` iterations: f(x_data) - f(x_q) per step.
  std::vector<double> steps, gaps;
  // The last iteration's chains (flight recorder or recorded chains): per chain, the energy at
  // each SGLD step; and the mean drift and noise norms per step.
  std::vector<std::vector<double>> chain_energies;
  double mean_drift = 0, mean_noise = 0;
  double outside_box = 0;  // fraction of buffer samples outside the data box
  // Per class slot: fraction of its samples the classifier assigns to that class
  // (class-conditional buffers only; empty otherwise).
  std::vector<double> slot_agreement;
  double buffer_energy = 0, data_energy = 0, noise_energy = 0;  // mean E(x) of each
  // Some of the energies those means come from (at most kEnergySamples each, a random subset),
  // for the histograms; and the age (SGLD steps since reinit) of every buffer slot.
  std::vector<double> buffer_energies, data_energies, noise_energies;
  std::vector<int64_t> buffer_ages;
};

constexpr int kEnergySamples = 512;

enum class Level { Ok, Warn, Alarm, Unknown };

struct Indicator {
  std::string name;
  double value = 0;
  double warn = 0, alarm = 0;  // thresholds on value (direction per indicator)
  Level level = Level::Unknown;
  std::string explanation{};   // one line: what the value means now
};

std::vector<Indicator> stability_indicators(const StabilityInputs& in);

// The k chains with the largest single SGLD step drift (step size x gradient norm; a non-finite
// one counts as infinite), largest first: the ones to highlight after a divergence.
std::vector<int> chains_by_peak_drift(const ChainTrace& trace, int k);
const char* level_name(Level l);

// A flight record against its replay: whether each per-step quantity came out bit for bit the
// same (NaN and inf included), and the largest absolute difference between them.
struct ReplayCheck {
  bool positions = false, energies = false, grad_norms = false, noise_norms = false;
  double max_abs_diff = 0;  // inf when one side is finite and the other not, or the shapes differ
  int n_chains = 0, n_steps = 0;
  bool identical() const { return positions && energies && grad_norms && noise_norms; }
};
ReplayCheck compare_replay(const ChainTrace& recorded, const ChainTrace& replayed);

}  // namespace jem
