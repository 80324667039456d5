#pragma once
// Secret rotation without a kubelet republish (--enable-secret-rotation): worker threads take
// the next due mount from the Schedule and refresh it through publish::Refresher, at most
// `concurrency` at once. The pipeline tells the scheduler (as its RefreshObserver) about mounts,
// refreshes (also those of kubelet republishes), failures and unmounts; the scheduler keeps only
// target paths, due times and token expiry times, never a token.

#include <condition_variable>
#include <functional>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "publish/publisher.h"
#include "publish/refresh_observer.h"
#include "rotation/schedule.h"

namespace sscsi::rotation {

struct SchedulerOptions {
  ScheduleOptions schedule;
  int concurrency = 4;  // refreshes running at once
};

class Scheduler final : public publish::RefreshObserver {
 public:
  using Clock = std::function<TimePoint()>;

  // Throws std::invalid_argument for a non-positive interval or concurrency. `refresher` must
  // outlive the scheduler. `clock` is the time the schedule works with (tests inject one).
  Scheduler(
      SchedulerOptions options, publish::Refresher& refresher,
      Clock clock = [] { return std::chrono::system_clock::now(); },
      std::uint64_t seed = std::random_device()());
  ~Scheduler() override;  // stop()
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  void start();
  // Lets running refreshes finish and joins the workers. Idempotent.
  void stop();
  // Wakes the workers to look at the clock again (tests that move an injected clock).
  void poke();

  std::size_t mounts() const;

  // publish::RefreshObserver
  void remembered(const publish::PublishRequest& request) override;
  void refreshed(const std::string& target_path) override;
  void failed(const std::string& target_path, std::chrono::milliseconds retry_after) override;
  void unmounted(const std::string& target_path) override;
  bool backing_off(const std::string& target_path) override;

 private:
  void work(std::stop_token stop);

  SchedulerOptions options_;
  publish::Refresher& refresher_;
  Clock clock_;
  mutable std::mutex mutex_;  // guards everything below
  std::condition_variable_any wake_;
  std::mt19937_64 random_;
  Schedule schedule_;
  std::uint64_t wakeups_ = 0;  // bumped with every change a waiting worker must look at
  std::vector<std::jthread> workers_;
};

}  // namespace sscsi::rotation
