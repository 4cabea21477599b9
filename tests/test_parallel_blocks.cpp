// The blocks' thread team (core/util/parallel_blocks.h): every block once, errors and nesting,
// callers side by side. The ThreadSanitizer stage runs these too (test_runner_threads).
#include <gtest/gtest.h>

#include <atomic>
#include <cmath>
#include <mutex>
#include <set>
#include <stdexcept>
#include <thread>
#include <vector>

#include "core/util/parallel_blocks.h"

namespace {

template <class Body>
void blocks_on(int threads, int64_t n, const Body& body) {
  jem::parallel_blocks(n, threads, body);
}

TEST(ParallelBlocks, EveryBlockRunsExactlyOnceJobAfterJob) {
  for (int threads : {1, 2, 3, 5}) {
    for (int64_t n : {int64_t{1}, int64_t{2}, int64_t{3}, int64_t{7}, int64_t{64}, int64_t{1000}}) {
      for (int job = 0; job < 20; ++job) {  // jobs back to back: helpers must not take a stale one's blocks
        std::vector<std::atomic<int>> runs(static_cast<size_t>(n));
        blocks_on(threads, n, [&](int64_t k) { runs[size_t(k)].fetch_add(1, std::memory_order_relaxed); });
        for (int64_t k = 0; k < n; ++k)
          ASSERT_EQ(runs[size_t(k)].load(), 1) << "block " << k << " of " << n << ", " << threads << " threads";
      }
    }
  }
}

TEST(ParallelBlocks, ResultsDoNotDependOnTheThreadCount) {
  const auto sums = [](int threads) {
    std::vector<double> out(257);
    blocks_on(threads, 257, [&](int64_t k) {
      double s = 0;
      for (int i = 1; i <= 1000; ++i) s += std::sin(double(k * i));
      out[size_t(k)] = s;
    });
    return out;
  };
  const std::vector<double> one = sums(1);
  for (int threads : {2, 4}) EXPECT_EQ(sums(threads), one) << threads << " threads";
}

TEST(ParallelBlocks, SeveralThreadsShareTheBlocksAndNestedCallsStayOnTheirThread) {
  std::mutex m;
  std::set<std::thread::id> outer;
  std::atomic<int> inner_elsewhere{0}, inner_runs{0};
  blocks_on(3, 1000, [&](int64_t) {
    const std::thread::id me = std::this_thread::get_id();
    {
      std::lock_guard<std::mutex> lock(m);
      outer.insert(me);
    }
    blocks_on(3, 4, [&](int64_t) {
      inner_runs.fetch_add(1);
      if (std::this_thread::get_id() != me) inner_elsewhere.fetch_add(1);
    });
    std::this_thread::sleep_for(std::chrono::microseconds(300));  // time for the helpers to wake
  });
  EXPECT_EQ(inner_runs.load(), 1000 * 4);
  EXPECT_EQ(inner_elsewhere.load(), 0);
  EXPECT_GE(outer.size(), 2u) << "1000 blocks of 0.3 ms all ran on the calling thread";
}

TEST(ParallelBlocks, ABlocksErrorReachesTheCallerAndTheTeamGoesOn) {
  std::atomic<int> runs{0};
  try {
    blocks_on(2, 50, [&](int64_t k) {
      runs.fetch_add(1);
      if (k == 17) throw std::runtime_error("block 17 failed");
    });
    FAIL() << "no exception";
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "block 17 failed");
  }
  EXPECT_GE(runs.load(), 1);
  std::atomic<int> after{0};
  blocks_on(2, 50, [&](int64_t) { after.fetch_add(1); });
  EXPECT_EQ(after.load(), 50);
}

TEST(ParallelBlocks, CallersSideBySideEachGetEveryBlock) {
  std::atomic<int> wrong{0};
  const auto caller = [&](int threads) {
    for (int job = 0; job < 200; ++job) {
      std::vector<std::atomic<int>> runs(37);
      blocks_on(threads, 37, [&](int64_t k) { runs[size_t(k)].fetch_add(1); });
      for (auto& r : runs) wrong += r.load() != 1;
    }
  };
  std::thread a(caller, 2), b(caller, 3);
  caller(2);
  a.join();
  b.join();
  EXPECT_EQ(wrong.load(), 0);
}

TEST(ParallelBlocks, ATenInsideABlockRunsOnTheBlocksThread) {
  const int before = at::get_num_threads();
  at::set_num_threads(2);
  std::atomic<int> more_than_one{0};
  blocks_on(2, 8, [&](int64_t) { more_than_one += at::get_num_threads() != 1; });
  EXPECT_EQ(more_than_one.load(), 0);
  EXPECT_EQ(at::get_num_threads(), 2) << "the caller's thread count is restored";
  at::set_num_threads(before);
}

// The samplers draw their noise up front under OneOmpThread: ATen's regions there stay on the
// calling thread, and the thread count comes back after.
TEST(ParallelBlocks, OneOmpThreadKeepsATensRegionsOnTheCallingThread) {
  const int before = at::get_num_threads();
  at::set_num_threads(2);
  auto threads_used = [] {
    std::atomic<int> used{0};
    at::parallel_for(0, 1000, 1, [&](int64_t, int64_t) { used |= 1 << at::get_thread_num(); });
    return __builtin_popcount(used.load());
  };
  EXPECT_EQ(threads_used(), 2) << "without the guard the region has both threads";
  {
    jem::OneOmpThread serial;
    EXPECT_EQ(at::get_num_threads(), 1);
    EXPECT_EQ(threads_used(), 1);
  }
  EXPECT_EQ(at::get_num_threads(), 2);
  at::set_num_threads(before);
}

}  // namespace
