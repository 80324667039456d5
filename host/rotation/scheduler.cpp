#include "rotation/scheduler.h"

#include <algorithm>
#include <stdexcept>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

namespace sscsi::rotation {

Scheduler::Scheduler(SchedulerOptions options, publish::Refresher& refresher, Clock clock,
                     std::uint64_t seed)
    : options_(options),
      refresher_(refresher),
      clock_(std::move(clock)),
      random_(seed),
      // The schedule draws its jitter under mutex_, like every other use of it.
      schedule_(options.schedule,
                [this] { return std::uniform_real_distribution<double>(0.0, 1.0)(random_); }) {
  if (options_.schedule.interval <= std::chrono::milliseconds(0)) {
    throw std::invalid_argument(
        fmt::format("rotation: the poll interval must be positive, not {} ms",
                    options_.schedule.interval.count()));
  }
  if (options_.concurrency <= 0) {
    throw std::invalid_argument(
        fmt::format("rotation: the number of refreshes at once must be positive, not {}",
                    options_.concurrency));
  }
}

Scheduler::~Scheduler() { stop(); }

void Scheduler::start() {
  std::lock_guard lock(mutex_);
  if (!workers_.empty()) return;
  for (int i = 0; i < options_.concurrency; ++i) {
    workers_.emplace_back([this](std::stop_token stop) { work(stop); });
  }
}

void Scheduler::stop() {
  std::vector<std::jthread> workers;
  {
    std::lock_guard lock(mutex_);
    workers.swap(workers_);
  }
  for (std::jthread& worker : workers) worker.request_stop();
  // request_stop wakes workers waiting on wake_ (condition_variable_any with a stop token);
  // the jthreads join as they go out of scope.
}

void Scheduler::poke() {
  {
    std::lock_guard lock(mutex_);
    ++wakeups_;
  }
  wake_.notify_all();
}

std::size_t Scheduler::mounts() const {
  std::lock_guard lock(mutex_);
  return schedule_.size();
}

void Scheduler::work(std::stop_token stop) {
  std::unique_lock lock(mutex_);
  while (!stop.stop_requested()) {
    if (std::optional<std::string> target = schedule_.take_due(clock_())) {
      lock.unlock();
      publish::RefreshOutcome outcome;
      try {
        outcome = refresher_.refresh(*target, false);
      } catch (const std::exception& error) {
        outcome.status = {publish::Status::Code::Internal, error.what()};
      }
      if (!outcome.status.ok()) {
        // The pipeline has logged, counted and reported a failed refresh; this line says that
        // the scheduler (not a kubelet republish) made the attempt.
        spdlog::debug("scheduled refresh of {}: {}", *target, outcome.status.message);
      }
      lock.lock();
      schedule_.finish(*target, clock_());
      // Its next due time may be earlier than what the others wait for (a short backoff).
      ++wakeups_;
      wake_.notify_all();
      continue;
    }
    // Woken by a change to the schedule, by stop, or when the earliest due time comes (the
    // wait is measured in the injected clock's distance to it).
    const std::uint64_t seen = wakeups_;
    const auto changed = [this, seen] { return wakeups_ != seen; };
    if (const std::optional<TimePoint> next = schedule_.next_due()) {
      wake_.wait_for(lock, stop, std::max(*next - clock_(), TimePoint::duration(0)), changed);
    } else {
      wake_.wait(lock, stop, changed);
    }
  }
}

void Scheduler::remembered(const publish::PublishRequest& request) {
  const std::optional<TimePoint> expiry = earliest_token_expiry(request.volume_context);
  {
    std::lock_guard lock(mutex_);
    schedule_.remember(request.target_path, expiry, clock_());
    ++wakeups_;
  }
  wake_.notify_all();
}

void Scheduler::refreshed(const std::string& target_path) {
  {
    std::lock_guard lock(mutex_);
    schedule_.refreshed(target_path, clock_());
    ++wakeups_;
  }
  wake_.notify_all();
}

void Scheduler::failed(const std::string& target_path, std::chrono::milliseconds retry_after) {
  {
    std::lock_guard lock(mutex_);
    schedule_.failed(target_path, retry_after, clock_());
    ++wakeups_;
  }
  wake_.notify_all();
}

void Scheduler::unmounted(const std::string& target_path) {
  std::lock_guard lock(mutex_);
  schedule_.forget(target_path);
}

bool Scheduler::backing_off(const std::string& target_path) {
  std::lock_guard lock(mutex_);
  return schedule_.backing_off(target_path, clock_());
}

}  // namespace sscsi::rotation
