#include "kube/client/rate_limiter.h"

#include <algorithm>
#include <thread>

namespace sscsi::kube {

RateLimiter::RateLimiter(double qps, int burst, Clock clock)
    : qps_(qps),
      burst_(static_cast<double>(std::max(burst, 1))),
      clock_(std::move(clock)),
      tokens_(burst_),
      updated_(clock_()) {}

std::optional<std::chrono::nanoseconds> RateLimiter::reserve(std::chrono::nanoseconds max_wait) {
  if (qps_ <= 0) return std::chrono::nanoseconds::zero();
  std::lock_guard lock(mutex_);
  const auto now = clock_();
  if (now > updated_) {
    const double elapsed = std::chrono::duration<double>(now - updated_).count();
    tokens_ = std::min(burst_, tokens_ + elapsed * qps_);
    updated_ = now;
  }
  const double after = tokens_ - 1.0;
  std::chrono::nanoseconds wait = std::chrono::nanoseconds::zero();
  if (after < 0) {
    wait = std::chrono::duration_cast<std::chrono::nanoseconds>(
        std::chrono::duration<double>(-after / qps_));
  }
  if (wait > max_wait) return std::nullopt;
  tokens_ = after;
  return wait;
}

bool RateLimiter::acquire(std::chrono::nanoseconds max_wait) {
  const std::optional<std::chrono::nanoseconds> wait = reserve(max_wait);
  if (!wait) return false;
  if (*wait > std::chrono::nanoseconds::zero()) std::this_thread::sleep_for(*wait);
  return true;
}

}  // namespace sscsi::kube
