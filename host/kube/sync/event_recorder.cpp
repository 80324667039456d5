#include "kube/sync/event_recorder.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>

#include "kube/objects/api_paths.h"

namespace sscsi::kube {
namespace {

// Dedupe keys kept at most; past this the expired ones are forgotten first.
constexpr std::size_t kMaxRememberedKeys = 4096;

std::string dedupe_key(const PodRef& pod, const std::string& reason, const std::string& message) {
  std::string key = pod.uid;
  key.push_back('\0');
  key += reason;
  key.push_back('\0');
  key += message;
  return key;
}

}  // namespace

EventRecorder::EventRecorder(ApiClient& api, EventRecorderOptions options)
    : api_(api),
      options_(std::move(options)),
      logger_(options_.logger ? options_.logger : spdlog::default_logger()),
      tokens_(options_.burst),
      refilled_(now()),
      worker_([this] { run(); }) {}

EventRecorder::~EventRecorder() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  worker_.join();
}

std::chrono::steady_clock::time_point EventRecorder::now() const {
  return options_.now ? options_.now() : std::chrono::steady_clock::now();
}

bool EventRecorder::take_token_locked(std::chrono::steady_clock::time_point at) {
  const double elapsed = std::chrono::duration<double>(at - refilled_).count();
  if (elapsed > 0) {
    tokens_ = std::min(options_.burst, tokens_ + elapsed * options_.events_per_second);
    refilled_ = at;
  }
  if (tokens_ < 1.0) return false;
  tokens_ -= 1.0;
  return true;
}

void EventRecorder::forget_expired_locked(std::chrono::steady_clock::time_point at) {
  std::erase_if(last_sent_,
                [&](const auto& entry) { return at - entry.second >= options_.dedupe_window; });
}

bool EventRecorder::record(const PodRef& pod, EventType type, const std::string& reason,
                           const std::string& message) {
  const auto at = now();
  std::string key = dedupe_key(pod, reason, message);
  std::unique_lock lock(mutex_);
  if (const auto last = last_sent_.find(key);
      last != last_sent_.end() && at - last->second < options_.dedupe_window) {
    ++stats_.deduplicated;
    return false;
  }
  if (last_sent_.size() >= kMaxRememberedKeys) forget_expired_locked(at);
  if (stopping_ || queue_.size() >= options_.max_queued ||
      last_sent_.size() >= kMaxRememberedKeys || !take_token_locked(at)) {
    ++stats_.rate_limited;
    return false;
  }
  last_sent_[std::move(key)] = at;
  // Event names must be unique per namespace; client-go uses the time in nanoseconds.
  const auto wall = std::chrono::system_clock::now();
  const auto nanos = static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(wall.time_since_epoch()).count());
  last_suffix_ = std::max(nanos, last_suffix_ + 1);
  queue_.push_back(
      EventInfo{pod, type, reason, message, options_.node_name, wall, 1, last_suffix_});
  lock.unlock();
  wake_.notify_one();
  return true;
}

void EventRecorder::run() {
  std::unique_lock lock(mutex_);
  while (true) {
    wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    if (stopping_) break;
    EventInfo event = std::move(queue_.front());
    queue_.pop_front();
    in_flight_ = true;
    lock.unlock();
    post(event);
    lock.lock();
    in_flight_ = false;
    if (queue_.empty()) idle_.notify_all();
  }
  queue_.clear();
  in_flight_ = false;
  idle_.notify_all();
}

void EventRecorder::post(const EventInfo& event) {
  const std::string what =
      fmt::format("Event {} for Pod {}/{}", event.reason, event.pod.namespace_name, event.pod.name);
  ApiResponse response;
  try {
    response = api_.send(ApiRequest{"POST", events_path(event.pod.namespace_name),
                                    event_object(event).dump(), "application/json", what});
  } catch (const std::exception& e) {
    response.error = fmt::format("{}: POST failed: {}", what, e.what());
  }
  {
    std::lock_guard lock(mutex_);
    ++(response.ok() ? stats_.posted : stats_.failed);
  }
  if (!response.ok()) {
    logger_->debug(
        "{} not posted: {}", what,
        response.error.empty() ? fmt::format("answered {}", response.status) : response.error);
  }
}

void EventRecorder::flush() {
  std::unique_lock lock(mutex_);
  idle_.wait(lock, [this] { return stopping_ || (queue_.empty() && !in_flight_); });
}

EventRecorderStats EventRecorder::stats() const {
  std::lock_guard lock(mutex_);
  return stats_;
}

}  // namespace sscsi::kube
