// The scheduler's threads: refreshes run when due, never more than `concurrency` at once, and
// unmounted targets are forgotten. The clock is injected; nothing asserts on elapsed time.
#include "rotation/scheduler.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <thread>

#include <fmt/format.h>

namespace sscsi::rotation {
namespace {

using namespace std::chrono_literals;

// A refresher that counts calls per target and how many run at once; it can hold every call
// until released, and tells the scheduler about the outcome as the pipeline does.
class FakeRefresher final : public publish::Refresher {
 public:
  publish::RefreshOutcome refresh(const std::string& target, bool force) override {
    std::unique_lock lock(mutex_);
    ++calls_[target];
    forced_ = forced_ || force;
    peak_ = std::max(peak_, ++running_);
    changed_.notify_all();
    changed_.wait(lock, [this] { return !hold_; });
    --running_;
    changed_.notify_all();
    publish::Status status =
        fail_ ? publish::Status{publish::Status::Code::Unavailable, "down"} : publish::Status{};
    lock.unlock();
    if (observer_ != nullptr) {
      if (status.ok())
        observer_->refreshed(target);
      else
        observer_->failed(target, 0ms);
    }
    return {.status = status, .rotated = false, .skipped = false};
  }

  void hold(bool on) {
    std::lock_guard lock(mutex_);
    hold_ = on;
    changed_.notify_all();
  }
  // Waits (up to a minute, as a hang guard only) until `pred` holds.
  template <class Pred>
  bool wait(Pred pred) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, 60s, [&] { return pred(); });
  }
  int calls(const std::string& target) {
    std::lock_guard lock(mutex_);
    return calls_[target];
  }
  int total_calls() {
    std::lock_guard lock(mutex_);
    int total = 0;
    for (const auto& [target, n] : calls_) total += n;
    return total;
  }

  std::mutex mutex_;
  std::condition_variable changed_;
  std::map<std::string, int> calls_;
  int running_ = 0;
  int peak_ = 0;
  bool hold_ = false;
  bool fail_ = false;
  bool forced_ = false;
  publish::RefreshObserver* observer_ = nullptr;
};

// A clock the test moves by hand.
struct ManualClock {
  std::atomic<std::int64_t> seconds{1'000'000'000};
  TimePoint now() const { return TimePoint(std::chrono::seconds(seconds.load())); }
};

publish::PublishRequest request(const std::string& target) {
  publish::PublishRequest r;
  r.target_path = target;
  return r;
}

SchedulerOptions options(int concurrency) {
  SchedulerOptions o;
  o.schedule.interval = 100s;
  o.schedule.backoff = Backoff::for_interval(100s);
  o.concurrency = concurrency;
  return o;
}

TEST(Scheduler, RefreshesOnlyWhenDueWithoutForce) {
  ManualClock clock;
  FakeRefresher refresher;
  Scheduler scheduler(
      options(2), refresher, [&clock] { return clock.now(); }, 7);
  refresher.observer_ = &scheduler;
  scheduler.remembered(request("/a"));
  scheduler.start();
  scheduler.poke();
  EXPECT_EQ(refresher.total_calls(), 0) << "not due before one interval has passed";
  clock.seconds += 111;  // past interval + the largest jitter
  scheduler.poke();
  ASSERT_TRUE(refresher.wait([&] { return refresher.calls_["/a"] == 1; }));
  scheduler.stop();
  EXPECT_FALSE(refresher.forced_);
  EXPECT_EQ(refresher.calls("/a"), 1) << "due again only one interval later";
}

TEST(Scheduler, NeverRunsMoreThanItsConcurrency) {
  ManualClock clock;
  FakeRefresher refresher;
  Scheduler scheduler(
      options(3), refresher, [&clock] { return clock.now(); }, 7);
  refresher.observer_ = &scheduler;
  for (int i = 0; i < 20; ++i) scheduler.remembered(request(fmt::format("/t{}", i)));
  refresher.hold(true);
  scheduler.start();
  clock.seconds += 111;
  scheduler.poke();
  ASSERT_TRUE(refresher.wait([&] { return refresher.running_ == 3; }));
  refresher.hold(false);
  ASSERT_TRUE(refresher.wait([&] {
    int total = 0;
    for (const auto& [target, n] : refresher.calls_) total += n;
    return total == 20 && refresher.running_ == 0;
  }));
  scheduler.stop();
  EXPECT_EQ(refresher.peak_, 3);
  for (int i = 0; i < 20; ++i) EXPECT_EQ(refresher.calls(fmt::format("/t{}", i)), 1) << i;
}

TEST(Scheduler, FailedRefreshBacksOffAndRepublishIsHeldOff) {
  ManualClock clock;
  FakeRefresher refresher;
  refresher.fail_ = true;
  Scheduler scheduler(
      options(1), refresher, [&clock] { return clock.now(); }, 7);
  refresher.observer_ = &scheduler;
  scheduler.remembered(request("/a"));
  scheduler.start();
  clock.seconds += 111;
  scheduler.poke();
  ASSERT_TRUE(refresher.wait([&] { return refresher.calls_["/a"] == 1; }));
  // The first backoff is 10-11 s: the pipeline must skip a republish meanwhile. The scheduler
  // records the failure on its own thread just after the refresher returns, so poll for it.
  const auto deadline = std::chrono::steady_clock::now() + 60s;
  while (!scheduler.backing_off("/a") && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(1ms);
  }
  ASSERT_TRUE(scheduler.backing_off("/a"));
  clock.seconds += 12;
  EXPECT_FALSE(scheduler.backing_off("/a"));
  scheduler.poke();
  ASSERT_TRUE(refresher.wait([&] { return refresher.calls_["/a"] == 2; }));
  scheduler.stop();
}

TEST(Scheduler, UnmountedTargetsAreForgotten) {
  ManualClock clock;
  FakeRefresher refresher;
  Scheduler scheduler(
      options(2), refresher, [&clock] { return clock.now(); }, 7);
  scheduler.remembered(request("/a"));
  scheduler.remembered(request("/b"));
  EXPECT_EQ(scheduler.mounts(), 2u);
  scheduler.unmounted("/a");
  EXPECT_EQ(scheduler.mounts(), 1u);
  scheduler.start();
  clock.seconds += 111;
  scheduler.poke();
  ASSERT_TRUE(refresher.wait([&] { return refresher.calls_["/b"] == 1; }));
  scheduler.stop();
  EXPECT_EQ(refresher.calls("/a"), 0);
}

TEST(Scheduler, RefusesNonsenseOptions) {
  FakeRefresher refresher;
  EXPECT_THROW(Scheduler(options(0), refresher), std::invalid_argument);
  SchedulerOptions zero = options(1);
  zero.schedule.interval = 0ms;
  EXPECT_THROW(Scheduler(zero, refresher), std::invalid_argument);
}

}  // namespace
}  // namespace sscsi::rotation
