#pragma once
// Posts Events about pods without ever slowing down or failing the caller: record() only queues;
// a worker thread posts. Two limits keep a failure storm (say, 500 pods whose sync fails every
// republish while the API server is struggling) from flooding the API:
//   - the same (pod uid, reason, message) is posted at most once per dedupe window (default
//     5 minutes); repeats inside the window are dropped and counted;
//   - all events share a token bucket (default 1 per second, burst 20); events beyond it are
//     dropped and counted.
// A post that fails is logged at debug level (reason and pod, not the message) and dropped.

#include <spdlog/logger.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "kube/api_client.h"
#include "kube/objects/event.h"

namespace sscsi::kube {

struct EventRecorderOptions {
  std::string node_name;  // reportingInstance and source.host
  std::chrono::steady_clock::duration dedupe_window = std::chrono::minutes(5);
  double events_per_second = 1.0;
  double burst = 20;
  std::size_t max_queued = 256;  // beyond this, new events are dropped (counted as rate-limited)
  std::shared_ptr<spdlog::logger> logger;                      // null: spdlog's default logger
  std::function<std::chrono::steady_clock::time_point()> now;  // null: steady_clock::now
};

struct EventRecorderStats {
  std::uint64_t posted = 0;
  std::uint64_t failed = 0;        // the API did not accept the post
  std::uint64_t deduplicated = 0;  // same key inside the dedupe window
  std::uint64_t rate_limited = 0;  // token bucket empty or queue full
};

class EventRecorder {
 public:
  // `api` must outlive the recorder (its worker thread posts through it).
  EventRecorder(ApiClient& api, EventRecorderOptions options);
  // Stops the worker after the post in flight; events still queued are dropped.
  ~EventRecorder();
  EventRecorder(const EventRecorder&) = delete;
  EventRecorder& operator=(const EventRecorder&) = delete;

  // Queues the event unless a limit drops it; true when queued. Thread-safe, never blocks on
  // the API server.
  bool record(const PodRef& pod, EventType type, const std::string& reason,
              const std::string& message);

  // Waits until every queued event has been posted (or has failed).
  void flush();

  EventRecorderStats stats() const;

 private:
  void run();
  void post(const EventInfo& event);
  bool take_token_locked(std::chrono::steady_clock::time_point now);
  void forget_expired_locked(std::chrono::steady_clock::time_point now);
  std::chrono::steady_clock::time_point now() const;

  ApiClient& api_;
  EventRecorderOptions options_;
  std::shared_ptr<spdlog::logger> logger_;

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable idle_;
  std::deque<EventInfo> queue_;
  bool in_flight_ = false;
  bool stopping_ = false;
  std::map<std::string, std::chrono::steady_clock::time_point> last_sent_;  // by dedupe key
  double tokens_;
  std::chrono::steady_clock::time_point refilled_;
  std::uint64_t last_suffix_ = 0;
  EventRecorderStats stats_;
  std::thread worker_;  // last: starts after everything it uses exists
};

}  // namespace sscsi::kube
