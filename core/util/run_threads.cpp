#include "core/util/run_threads.h"

#include <algorithm>
#include <atomic>
#include <thread>

namespace jem {
namespace {
std::atomic<int> reserved{0};
}  // namespace

int run_threads(const Settings& s, unsigned cores, int reserved_cores) {
  if (s.threads > 0) return s.threads;
  const int all = std::max(1, static_cast<int>(cores));
  return s.model == "mlp" ? all : std::max(1, all - reserved_cores);
}

int run_threads(const Settings& s) { return run_threads(s, std::thread::hardware_concurrency(), reserved.load()); }

void reserve_cores_for_drawing(int n) { reserved.store(std::max(0, n)); }

}  // namespace jem
