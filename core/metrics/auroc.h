// Exact area under the ROC curve: the probability that a random positive scores above a random
// negative, ties counted half. Higher scores mean "in-distribution" (the positives).
#pragma once
#include <vector>

namespace jem {

double auroc(const std::vector<double>& positives, const std::vector<double>& negatives);  // NaN if either is empty

}  // namespace jem
