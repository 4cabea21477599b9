#include "core/util/parallel_blocks.h"

#include <omp.h>
#include <pthread.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <exception>
#include <memory>
#include <mutex>
#include <system_error>
#include <thread>
#include <vector>

namespace jem {

namespace {

// A job's state in one word, so that taking a block is one compare-and-swap, and one that fails
// once the job has moved on: job number (24 bits) | blocks (20 bits) | next block to take (20 bits).
constexpr int kCountBits = 20;
constexpr uint64_t kCountMask = (uint64_t{1} << kCountBits) - 1;
constexpr uint64_t kJobMask = (uint64_t{1} << (64 - 2 * kCountBits)) - 1;
constexpr int64_t kMaxBlocksPerJob = int64_t(kCountMask);

uint64_t pack(uint64_t job, int64_t blocks) { return (job << 2 * kCountBits) | (uint64_t(blocks) << kCountBits); }
uint64_t job_of(uint64_t s) { return s >> 2 * kCountBits; }
int64_t blocks_of(uint64_t s) { return int64_t((s >> kCountBits) & kCountMask); }
int64_t next_of(uint64_t s) { return int64_t(s & kCountMask); }

// How long an idle helper polls for the next job before it sleeps: short next to a frame, so that
// it rarely burns a core the window needs (polling 300 us gained nothing measurable in the window).
constexpr auto kPoll = std::chrono::microseconds(50);

template <class Ready>
bool poll_until(const Ready& ready) {
  const auto until = std::chrono::steady_clock::now() + kPoll;
  for (int i = 1;; ++i) {
    if (ready()) return true;
    if (i % 64 == 0 && std::chrono::steady_clock::now() > until) return false;
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
  }
}

thread_local bool running_blocks = false;  // set while this thread runs blocks: nested calls inline

class RunningBlocks {
 public:
  RunningBlocks() { running_blocks = true; }
  ~RunningBlocks() { running_blocks = false; }
};

// The calling thread's helpers, sleeping (after a short poll) between jobs.
class BlockTeam {
 public:
  explicit BlockTeam(int helpers) : asked_(helpers) {
    char name[16] = "";
    pthread_getname_np(pthread_self(), name, sizeof name);  // helpers show as their caller
    try {
      for (int i = 0; i < helpers; ++i) threads_.emplace_back([this, name] { help(name); });
    } catch (const std::system_error&) {
      // Out of threads: the caller runs whatever blocks the helpers it has do not take.
    }
  }
  ~BlockTeam() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stop_ = true;
    }
    wake_.notify_all();
    for (std::thread& t : threads_) t.join();
  }
  BlockTeam(const BlockTeam&) = delete;
  BlockTeam& operator=(const BlockTeam&) = delete;

  int asked() const { return asked_; }  // helpers asked for (the team may have fewer)

  // Blocks first + [0, n) of body; returns once they have all run, rethrowing the first error.
  void run(int64_t first, int64_t n, BlockFn fn, const void* body) {
    fn_ = fn;
    body_ = body;
    first_ = first;
    done_.store(0, std::memory_order_relaxed);
    failed_.store(false, std::memory_order_relaxed);
    const uint64_t job = std::max<uint64_t>(1, (job_of(state_.load(std::memory_order_relaxed)) + 1) & kJobMask);  // 0: none yet
    {
      std::lock_guard<std::mutex> lock(mutex_);
      state_.store(pack(job, n), std::memory_order_release);
    }
    wake_.notify_all();
    while (take_one(job)) {
    }
    const auto all_done = [&] { return done_.load(std::memory_order_acquire) == n; };
    if (!poll_until(all_done)) {
      std::unique_lock<std::mutex> lock(mutex_);
      finished_.wait(lock, all_done);
    }
    if (failed_.load(std::memory_order_relaxed)) {
      std::exception_ptr error;
      {
        std::lock_guard<std::mutex> lock(mutex_);
        std::swap(error, error_);
      }
      std::rethrow_exception(error);
    }
  }

 private:
  void help(const char* name) {
    pthread_setname_np(pthread_self(), name);
    OneOmpThread one_omp_thread;
    RunningBlocks running;
    uint64_t seen = 0;  // no job yet: the first may have been posted before this thread started
    const auto new_job = [&] { return job_of(state_.load(std::memory_order_acquire)) != seen; };
    for (;;) {
      if (!poll_until(new_job)) {
        std::unique_lock<std::mutex> lock(mutex_);
        wake_.wait(lock, [&] { return stop_ || new_job(); });
        if (stop_) return;
      }
      seen = job_of(state_.load(std::memory_order_acquire));
      while (take_one(seen)) {
      }
    }
  }

  // Runs the next block of `job` if one is left; false when none is (or the job has moved on).
  bool take_one(uint64_t job) {
    uint64_t s = state_.load(std::memory_order_acquire);
    while (job_of(s) == job && next_of(s) < blocks_of(s)) {
      if (state_.compare_exchange_weak(s, s + 1, std::memory_order_acq_rel, std::memory_order_acquire)) {
        run_block(next_of(s), blocks_of(s));
        return true;
      }
    }
    return false;
  }

  void run_block(int64_t k, int64_t n) {
    if (!failed_.load(std::memory_order_relaxed)) {
      try {
        fn_(body_, first_ + k);
      } catch (...) {
        std::lock_guard<std::mutex> lock(mutex_);
        if (!error_) error_ = std::current_exception();
        failed_.store(true, std::memory_order_relaxed);
      }
    }
    if (done_.fetch_add(1, std::memory_order_acq_rel) + 1 == n) {
      { std::lock_guard<std::mutex> lock(mutex_); }  // the caller is polling, or waiting
      finished_.notify_one();
    }
  }

  std::atomic<uint64_t> state_{0};
  std::atomic<int64_t> done_{0};
  std::atomic<bool> failed_{false};
  // Written by the caller before it publishes a job, read by whoever takes one of its blocks.
  BlockFn fn_ = nullptr;
  const void* body_ = nullptr;
  int64_t first_ = 0;

  std::mutex mutex_;
  std::condition_variable wake_, finished_;
  std::exception_ptr error_;  // the first block's exception (under mutex_)
  bool stop_ = false;         // under mutex_
  int asked_;
  std::vector<std::thread> threads_;
};

BlockTeam& team_with(int helpers) {
  thread_local std::unique_ptr<BlockTeam> team;
  if (!team || team->asked() != helpers) {
    team.reset();
    team = std::make_unique<BlockTeam>(helpers);
  }
  return *team;
}

}  // namespace

// ATen reads the thread count once per thread, hence the first call.
OneOmpThread::OneOmpThread() {
  at::get_num_threads();
  before_ = omp_get_max_threads();
  omp_set_num_threads(1);
}

OneOmpThread::~OneOmpThread() { omp_set_num_threads(before_); }

void run_blocks(int64_t n_blocks, int threads, BlockFn fn, const void* body) {
  if (n_blocks <= 0) return;
  if (threads <= 1 || n_blocks == 1 || running_blocks) {
    for (int64_t k = 0; k < n_blocks; ++k) fn(body, k);
    return;
  }
  BlockTeam& team = team_with(threads - 1);
  OneOmpThread one_omp_thread;
  RunningBlocks running;
  for (int64_t first = 0; first < n_blocks; first += kMaxBlocksPerJob)
    team.run(first, std::min(kMaxBlocksPerJob, n_blocks - first), fn, body);
}

}  // namespace jem
