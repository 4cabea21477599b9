// Blocks of work spread over the intra-op threads by taking: each thread runs the next block that
// no thread has taken yet, so a thread held up (a noisy neighbour, the window drawing on its core)
// runs fewer blocks, where a split into one part per thread leaves the others waiting for it.
//
// The calling thread takes blocks too, and returns as soon as every block has run: it waits for
// the blocks that other threads are running, never for a helper that has not woken up yet (an
// OpenMP region's closing barrier waits for every thread of the team, and on a busy machine a
// sleeping helper's wake-up can take a whole time slice). Helpers belong to the calling thread
// (two trainers side by side each have their own), and nested calls run inline.
//
// Callers make blocks of a fixed size, never one per thread: what a block computes, and the order
// in which its results are combined, then depend neither on the thread count nor on which thread
// ran it.
#pragma once
#include <ATen/Parallel.h>

#include <cstdint>

namespace jem {

using BlockFn = void (*)(const void* body, int64_t block);

// While one lives, ATen's and oneDNN's OpenMP regions on this thread run on it alone. Blocks run
// under one; so do ATen ops between block jobs that would otherwise open an OpenMP region past
// ATen's grain (32768 numbers): libgomp's worker spins on for a while after each region, on the
// core the next job's helper needs.
class OneOmpThread {
 public:
  OneOmpThread();
  ~OneOmpThread();
  OneOmpThread(const OneOmpThread&) = delete;
  OneOmpThread& operator=(const OneOmpThread&) = delete;

 private:
  int before_ = 1;
};

// fn(body, block) for every block in [0, n_blocks), on `threads` threads counting the caller's.
void run_blocks(int64_t n_blocks, int threads, BlockFn fn, const void* body);

// body(block) for every block in [0, n_blocks), on `threads` threads counting the caller's.
template <class Body>
void parallel_blocks(int64_t n_blocks, int threads, const Body& body) {
  run_blocks(n_blocks, threads, [](const void* b, int64_t k) { (*static_cast<const Body*>(b))(k); }, &body);
}

// The same on the intra-op threads; inline on one thread.
template <class Body>
void parallel_blocks(int64_t n_blocks, const Body& body) {
  parallel_blocks(n_blocks, at::get_num_threads(), body);
}

}  // namespace jem
