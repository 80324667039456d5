// The worker pool that runs plugin calls.

#include "plugins/worker_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <latch>
#include <thread>

namespace sscsi::plugins {
namespace {

using std::chrono::milliseconds;

// Waits until `condition` holds or 2 s pass.
template <typename Condition>
bool eventually(Condition condition) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(2);
  while (!condition()) {
    if (std::chrono::steady_clock::now() > until) return false;
    std::this_thread::sleep_for(milliseconds(1));
  }
  return true;
}

TEST(PluginWorkerPool, RunsAJobOnAnotherThread) {
  WorkerPool pool;
  std::promise<std::thread::id> ran;
  pool.run([&] { ran.set_value(std::this_thread::get_id()); });
  EXPECT_NE(ran.get_future().get(), std::this_thread::get_id());
}

TEST(PluginWorkerPool, SequentialJobsReuseOneThread) {
  WorkerPool pool;
  for (int i = 0; i < 50; ++i) {
    std::promise<void> done;
    pool.run([&] { done.set_value(); });
    done.get_future().wait();
    ASSERT_TRUE(eventually([&] { return pool.idle_threads() == 1; }));
  }
  EXPECT_EQ(pool.threads(), 1u);
}

TEST(PluginWorkerPool, BlockedJobsDoNotDelayOthers) {
  WorkerPool pool;
  std::latch release(1);
  for (int i = 0; i < 4; ++i) pool.run([&] { release.wait(); });
  std::promise<void> quick;
  pool.run([&] { quick.set_value(); });
  EXPECT_EQ(quick.get_future().wait_for(std::chrono::seconds(2)), std::future_status::ready);
  EXPECT_EQ(pool.threads(), 5u);
  release.count_down();
}

TEST(PluginWorkerPool, IdleThreadsExitAfterTheTimeout) {
  WorkerPool pool(milliseconds(20));
  std::promise<void> done;
  pool.run([&] { done.set_value(); });
  done.get_future().wait();
  EXPECT_TRUE(eventually([&] { return pool.threads() == 0; }));
}

TEST(PluginWorkerPool, AThrowingJobDoesNotTakeTheThreadDown) {
  WorkerPool pool;
  pool.run([] { throw std::runtime_error("job failed"); });
  std::promise<void> next;
  pool.run([&] { next.set_value(); });
  EXPECT_EQ(next.get_future().wait_for(std::chrono::seconds(2)), std::future_status::ready);
}

TEST(PluginWorkerPool, DestroyingThePoolDoesNotWaitForBusyJobs) {
  auto pool = std::make_unique<WorkerPool>();
  std::atomic<bool> finished{false};
  std::latch release(1);
  pool->run([&] {
    release.wait();
    finished = true;
  });
  const auto start = std::chrono::steady_clock::now();
  pool.reset();
  EXPECT_LT(std::chrono::steady_clock::now() - start, milliseconds(500));
  release.count_down();
  EXPECT_TRUE(eventually([&] { return finished.load(); }));
}

}  // namespace
}  // namespace sscsi::plugins
