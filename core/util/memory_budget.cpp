#include "core/util/memory_budget.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "core/util/error.h"

namespace jem {
namespace {

// A cgroup v2 file holding one number, or "max" (no limit): nullopt-like 0 when absent.
uint64_t read_cgroup_number(const std::string& path) {
  std::ifstream in(path);
  std::string word;
  if (!(in >> word) || word == "max") return 0;
  return std::strtoull(word.c_str(), nullptr, 10);
}

uint64_t meminfo_available() {
  std::ifstream in("/proc/meminfo");
  std::string key;
  uint64_t kb = 0;
  std::string unit;
  while (in >> key >> kb >> unit)
    if (key == "MemAvailable:") return kb * 1024;
  return 0;
}

}  // namespace

uint64_t available_memory_bytes() {
  if (const char* mb = std::getenv("JEMLAB_AVAILABLE_MB"); mb && *mb) return std::strtoull(mb, nullptr, 10) << 20;
  uint64_t avail = meminfo_available();
  const uint64_t limit = read_cgroup_number("/sys/fs/cgroup/memory.max");
  if (limit > 0) {
    const uint64_t used = read_cgroup_number("/sys/fs/cgroup/memory.current");
    const uint64_t headroom = limit > used ? limit - used : 0;
    avail = avail == 0 ? headroom : std::min(avail, headroom);
  }
  return avail;
}

std::string format_bytes(double bytes) {
  char b[32];
  if (bytes >= 1e9) std::snprintf(b, sizeof b, "%.1f GB", bytes / 1e9);
  else if (bytes >= 1e6) std::snprintf(b, sizeof b, "%.0f MB", bytes / 1e6);
  else std::snprintf(b, sizeof b, "%.0f KB", bytes / 1e3);
  return b;
}

void check_memory(const std::string& what, double bytes, const std::string& hint) {
  const uint64_t avail = available_memory_bytes();
  if (avail == 0 || bytes <= double(avail)) return;
  throw Error(what + " needs about " + format_bytes(bytes) + " of memory, more than the " + format_bytes(double(avail)) +
              " available; " + hint);
}

}  // namespace jem
