#include "core/util/run_threads.h"

#include <pthread.h>
#include <sched.h>

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

void name_this_thread(const char* name) {
  char shortened[16] = {};
  for (int i = 0; i < 15 && name[i]; ++i) shortened[i] = name[i];
  pthread_setname_np(pthread_self(), shortened);
}

bool run_this_thread_when_idle() {
#ifdef SCHED_IDLE
  sched_param p{};
  p.sched_priority = 0;
  return pthread_setschedparam(pthread_self(), SCHED_IDLE, &p) == 0;
#else
  return false;
#endif
}

}  // namespace jem
