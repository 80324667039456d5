// Per-target locks: one target is serialised, different targets run in parallel, and entries
// disappear when nobody uses them.

#include <gtest/gtest.h>
#include <atomic>
#include <chrono>
#include <future>
#include <string>
#include <thread>
#include <vector>

#include "mount/target_locks.h"

namespace sscsi::mount {
namespace {

using namespace std::chrono_literals;

TEST(TargetLocks, OneTargetIsExclusiveOthersAreFree) {
  TargetLocks locks;
  {
    TargetLocks::Guard held = locks.lock("/a");
    EXPECT_FALSE(locks.try_lock("/a").has_value());
    std::optional<TargetLocks::Guard> other = locks.try_lock("/b");
    EXPECT_TRUE(other.has_value());
    EXPECT_EQ(locks.size(), 2u);
  }
  EXPECT_EQ(locks.size(), 0u);
  EXPECT_TRUE(locks.try_lock("/a").has_value());
  EXPECT_EQ(locks.size(), 0u);  // a failed or released try_lock leaves nothing behind
}

TEST(TargetLocks, GuardsMove) {
  TargetLocks locks;
  TargetLocks::Guard first = locks.lock("/a");
  TargetLocks::Guard moved = std::move(first);
  EXPECT_FALSE(locks.try_lock("/a").has_value());
  TargetLocks::Guard other = locks.lock("/b");
  other = std::move(moved);  // releases /b, now holds /a
  EXPECT_TRUE(locks.try_lock("/b").has_value());
  EXPECT_FALSE(locks.try_lock("/a").has_value());
  EXPECT_EQ(locks.size(), 1u);
}

TEST(TargetLocks, AWaiterGetsTheLockWhenItIsReleased) {
  TargetLocks locks;
  std::optional<TargetLocks::Guard> held = locks.lock("/a");
  std::atomic<bool> acquired{false};
  std::thread waiter([&] {
    TargetLocks::Guard guard = locks.lock("/a");
    acquired = true;
  });
  // The waiter cannot have the lock while it is held; its entry stays while it waits.
  while (locks.size() != 1u) std::this_thread::yield();
  EXPECT_FALSE(acquired.load());
  held.reset();
  waiter.join();
  EXPECT_TRUE(acquired.load());
  EXPECT_EQ(locks.size(), 0u);
}

// Holding one target never blocks another: thread B locks and releases /b while /a is held by
// thread A, which waits for B to finish. If B were blocked, A would wait forever, so the wait has
// a (generous) limit that turns a deadlock into a failure.
TEST(TargetLocks, DifferentTargetsProceedInParallel) {
  TargetLocks locks;
  std::promise<void> b_done;
  std::future<void> b_finished = b_done.get_future();
  std::future<bool> a = std::async(std::launch::async, [&] {
    TargetLocks::Guard guard = locks.lock("/a");
    std::thread b([&] {
      TargetLocks::Guard other = locks.lock("/b");
      b_done.set_value();
    });
    const bool finished = b_finished.wait_for(60s) == std::future_status::ready;
    b.join();
    return finished;
  });
  EXPECT_TRUE(a.get());
}

// Many threads on a few targets: inside the lock nobody else is ever inside the same target,
// every increment lands, and no entry is left afterwards.
TEST(TargetLocks, SerialisesWorkPerTargetUnderContention) {
  TargetLocks locks;
  constexpr int kTargets = 3, kThreads = 8, kRounds = 2000;
  std::vector<std::atomic<int>> inside(kTargets);
  std::vector<int> counters(kTargets, 0);  // deliberately not atomic: guarded by the locks
  std::atomic<int> overlaps{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < kRounds; ++round) {
        const int target = (t + round) % kTargets;
        TargetLocks::Guard guard = locks.lock("/target/" + std::to_string(target));
        if (inside[target].fetch_add(1) != 0) ++overlaps;
        const int value = counters[target];
        std::this_thread::yield();
        counters[target] = value + 1;
        inside[target].fetch_sub(1);
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(overlaps.load(), 0);
  int total = 0;
  for (const int c : counters) total += c;
  EXPECT_EQ(total, kThreads * kRounds);
  EXPECT_EQ(locks.size(), 0u);
}

}  // namespace
}  // namespace sscsi::mount
