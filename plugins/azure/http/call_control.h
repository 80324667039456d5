#pragma once
// How long one mount call may still take and whether the host has given up on it. Every
// network step of the plugin takes one: libcurl polls it while a transfer runs, retry loops
// and single-flight waits check it before they sleep, so a cancelled or overdue mount stops
// within about a second instead of finishing work nobody will read.

#include <chrono>
#include <cstdint>
#include <functional>

namespace sscsi::azure {

class CallControl {
 public:
  using Clock = std::chrono::steady_clock;

  // No deadline, never cancelled (tests, start-up work).
  CallControl() = default;
  CallControl(Clock::time_point deadline, std::function<bool()> cancelled);

  // How much earlier than the host the plugin stops at most (5% of the time left, up to this).
  static constexpr std::chrono::milliseconds kHostReserve{500};

  // The host's absolute deadline (milliseconds since the Unix epoch, as in
  // sscsi_mount_request.deadline_unix_ms; <= 0 means none) mapped onto the steady clock, less
  // a reserve (see kHostReserve) for the answer to reach the host before it stops waiting.
  static CallControl until_unix_ms(int64_t deadline_unix_ms, std::function<bool()> cancelled);

  // True once the deadline has passed or `cancelled` says so.
  bool stop_requested() const;
  bool has_deadline() const { return deadline_ != Clock::time_point::max(); }
  Clock::time_point deadline() const { return deadline_; }
  // Time left before the deadline (zero when passed; a very large value without a deadline).
  std::chrono::milliseconds remaining() const;

  // Sleeps for `delay`, waking every 50 ms to check stop_requested(). False when it stopped
  // early because the call should end.
  bool sleep_for(std::chrono::milliseconds delay) const;

 private:
  Clock::time_point deadline_ = Clock::time_point::max();
  std::function<bool()> cancelled_;
};

}  // namespace sscsi::azure
