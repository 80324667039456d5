#include "http/call_control.h"

#include <algorithm>
#include <thread>

namespace sscsi::azure {

CallControl::CallControl(Clock::time_point deadline, std::function<bool()> cancelled)
    : deadline_(deadline), cancelled_(std::move(cancelled)) {}

CallControl CallControl::until_unix_ms(int64_t deadline_unix_ms, std::function<bool()> cancelled) {
  if (deadline_unix_ms <= 0) return CallControl(Clock::time_point::max(), std::move(cancelled));
  const auto now_unix = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count();
  const auto left = std::chrono::milliseconds(std::max<int64_t>(0, deadline_unix_ms - now_unix));
  // Stop a little before the host does, so that the host gets this plugin's own error (which
  // names the endpoint that was slow) rather than only "did not answer within …".
  const auto reserve = std::min<std::chrono::milliseconds>(left / 20, kHostReserve);
  return CallControl(Clock::now() + left - reserve, std::move(cancelled));
}

bool CallControl::stop_requested() const {
  if (has_deadline() && Clock::now() >= deadline_) return true;
  return cancelled_ && cancelled_();
}

std::chrono::milliseconds CallControl::remaining() const {
  if (!has_deadline()) return std::chrono::hours(24 * 365);
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline_ - Clock::now());
  return std::max(left, std::chrono::milliseconds::zero());
}

bool CallControl::sleep_for(std::chrono::milliseconds delay) const {
  const auto until = Clock::now() + delay;
  while (true) {
    if (stop_requested()) return false;
    const auto now = Clock::now();
    if (now >= until) return true;
    std::this_thread::sleep_for(
        std::min<Clock::duration>(until - now, std::chrono::milliseconds(50)));
  }
}

}  // namespace sscsi::azure
