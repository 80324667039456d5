// The token bucket, driven by a fake clock: the answers are exact, so nothing here depends on
// how busy the machine is.

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <thread>
#include <vector>

#include "kube/client/rate_limiter.h"

namespace sscsi::kube {
namespace {

using namespace std::chrono_literals;
using std::chrono::nanoseconds;

struct FakeClock {
  std::chrono::steady_clock::time_point now{std::chrono::hours(1)};
  RateLimiter::Clock function() {
    return [this] { return now; };
  }
};

TEST(KubeClientRateLimiter, BurstThenRate) {
  FakeClock clock;
  RateLimiter limiter(10, 3, clock.function());
  for (int i = 0; i < 3; ++i) EXPECT_EQ(limiter.reserve(), nanoseconds::zero()) << i;
  // Each further caller waits one more 1/qps slot.
  EXPECT_EQ(limiter.reserve(), nanoseconds(100ms));
  EXPECT_EQ(limiter.reserve(), nanoseconds(200ms));
  EXPECT_EQ(limiter.reserve(), nanoseconds(300ms));
}

TEST(KubeClientRateLimiter, RefillsAtQpsUpToBurst) {
  FakeClock clock;
  RateLimiter limiter(10, 3, clock.function());
  for (int i = 0; i < 3; ++i) limiter.reserve();
  clock.now += 200ms;  // two tokens back
  EXPECT_EQ(limiter.reserve(), nanoseconds::zero());
  EXPECT_EQ(limiter.reserve(), nanoseconds::zero());
  EXPECT_EQ(limiter.reserve(), nanoseconds(100ms));

  clock.now += 1h;  // a long idle time refills only up to the burst
  for (int i = 0; i < 3; ++i) EXPECT_EQ(limiter.reserve(), nanoseconds::zero()) << i;
  EXPECT_EQ(limiter.reserve(), nanoseconds(100ms));
}

TEST(KubeClientRateLimiter, WaitLongerThanAllowedTakesNothing) {
  FakeClock clock;
  RateLimiter limiter(2, 1, clock.function());
  EXPECT_EQ(limiter.reserve(), nanoseconds::zero());
  EXPECT_EQ(limiter.reserve(100ms), std::nullopt);  // would wait 500 ms
  EXPECT_EQ(limiter.reserve(100ms), std::nullopt);  // and still 500: nothing was taken
  EXPECT_EQ(limiter.reserve(500ms), nanoseconds(500ms));
  EXPECT_FALSE(limiter.acquire(10ms));
}

TEST(KubeClientRateLimiter, ZeroQpsIsUnlimited) {
  FakeClock clock;
  RateLimiter limiter(0, 1, clock.function());
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(limiter.reserve(), nanoseconds::zero());
}

TEST(KubeClientRateLimiter, BurstBelowOneCountsAsOne) {
  FakeClock clock;
  RateLimiter limiter(4, 0, clock.function());
  EXPECT_EQ(limiter.reserve(), nanoseconds::zero());
  EXPECT_EQ(limiter.reserve(), nanoseconds(250ms));
}

TEST(KubeClientRateLimiter, ConcurrentCallersGetDistinctSlots) {
  FakeClock clock;  // frozen: every caller after the burst queues behind the others
  RateLimiter limiter(100, 5, clock.function());
  constexpr int kThreads = 8;
  constexpr int kEach = 25;
  std::vector<std::vector<nanoseconds>> waits(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) waits[t].push_back(*limiter.reserve());
    });
  }
  for (auto& thread : threads) thread.join();
  std::vector<nanoseconds> all;
  for (const auto& some : waits) all.insert(all.end(), some.begin(), some.end());
  std::sort(all.begin(), all.end());
  // 5 immediate, then one slot every 10 ms, none shared and none skipped.
  for (std::size_t i = 0; i < all.size(); ++i) {
    const nanoseconds expected =
        i < 5 ? nanoseconds::zero() : nanoseconds(10ms) * static_cast<long>(i - 4);
    EXPECT_NEAR(static_cast<double>(all[i].count()), static_cast<double>(expected.count()), 1000)
        << i;
  }
}

TEST(KubeClientRateLimiter, AcquireSleepsOutTheWait) {
  RateLimiter limiter(20, 1);  // real clock: the second acquire waits about 50 ms
  limiter.acquire();
  const auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(limiter.acquire());
  // Only a lower bound: a busy machine can make it slower, never faster.
  EXPECT_GE(std::chrono::steady_clock::now() - start, 40ms);
}

}  // namespace
}  // namespace sscsi::kube
