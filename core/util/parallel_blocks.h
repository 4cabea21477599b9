// Blocks of work spread over the intra-op threads by taking: each thread runs the next block that
// no thread has taken yet, so a thread held up (a noisy neighbour, the window drawing on its core)
// runs fewer blocks, where a split into one part per thread leaves the others waiting for it.
//
// Callers make blocks of a fixed size, never one per thread: what a block computes, and the order
// in which its results are combined, then depend neither on the thread count nor on which thread
// ran it.
#pragma once
#include <ATen/Parallel.h>

#include <algorithm>
#include <atomic>
#include <cstdint>

namespace jem {

// body(block) for every block in [0, n_blocks), on the intra-op threads; inline on one thread.
template <class Body>
void parallel_blocks(int64_t n_blocks, const Body& body) {
  if (n_blocks <= 0) return;
  std::atomic<int64_t> next{0};
  const int64_t takers = std::min<int64_t>(at::get_num_threads(), n_blocks);
  // One index per thread; each thread then takes blocks until none is left.
  at::parallel_for(0, takers, 1, [&](int64_t, int64_t) {
    for (int64_t b = next++; b < n_blocks; b = next++) body(b);
  });
}

}  // namespace jem
