// Reliability diagram and expected calibration error: predictions binned by confidence
// (max softmax) into equal-width bins over [0, 1]; ECE = sum_b |B_b|/n * |acc_b - conf_b|.
#pragma once
#include <cstdint>
#include <vector>

namespace jem {

struct ReliabilityBin {
  double lo = 0, hi = 0;
  int64_t count = 0;
  double confidence = 0;  // mean confidence in the bin (NaN when empty)
  double accuracy = 0;    // fraction correct in the bin (NaN when empty)
};

struct Calibration {
  std::vector<ReliabilityBin> bins;  // the confidence histogram is their counts
  double ece = 0;
  double accuracy = 0;
  double mean_confidence = 0;
  int64_t n = 0;
};

// confidence[i] in [0, 1]; correct[i] is 1 when the prediction was right. Confidence 1 falls in
// the last bin.
Calibration calibration(const std::vector<double>& confidence, const std::vector<int>& correct, int n_bins = 20);

}  // namespace jem
