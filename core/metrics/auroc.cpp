#include "core/metrics/auroc.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

namespace jem {

double auroc(const std::vector<double>& pos, const std::vector<double>& neg) {
  if (pos.empty() || neg.empty()) return std::numeric_limits<double>::quiet_NaN();
  std::vector<std::pair<double, bool>> all;
  all.reserve(pos.size() + neg.size());
  for (double v : pos) all.emplace_back(v, true);
  for (double v : neg) all.emplace_back(v, false);
  std::sort(all.begin(), all.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  // Walk groups of equal scores: each positive beats every negative below its group and ties
  // half of the negatives inside it.
  double wins = 0;
  size_t neg_below = 0;
  for (size_t i = 0; i < all.size();) {
    size_t j = i, pos_here = 0, neg_here = 0;
    for (; j < all.size() && all[j].first == all[i].first; ++j) (all[j].second ? pos_here : neg_here)++;
    wins += pos_here * (neg_below + 0.5 * neg_here);
    neg_below += neg_here;
    i = j;
  }
  return wins / (double(pos.size()) * double(neg.size()));
}

}  // namespace jem
