// Requests whose size comes from the user (sample counts, buffer sizes times image size, grid
// resolutions, batch sizes on images) are estimated before anything is allocated: past the
// memory available they are refused, with the estimate in the message, instead of meeting the
// kernel's OOM killer. Torch-free.
#pragma once
#include <cstdint>
#include <string>

namespace jem {

// What this process may still allocate: /proc/meminfo's MemAvailable, lowered to a cgroup v2
// limit's headroom where one is set; 0 when unknown (the check then lets everything through).
// JEMLAB_AVAILABLE_MB overrides it (tests, and users who want a tighter budget).
uint64_t available_memory_bytes();

// "1.5 GB", "312 MB", "64 KB".
std::string format_bytes(double bytes);

// Throws Error "WHAT needs about N GB of memory, more than the M GB available; HINT" when
// `bytes` exceeds what is available.
void check_memory(const std::string& what, double bytes, const std::string& hint);

}  // namespace jem
