#pragma once
// Client-side rate limit on requests to the API server (--kube-api-qps, --kube-api-burst): a
// token bucket that holds up to `burst` tokens and refills at `qps` per second. A caller
// reserves a token and waits until it is due, so waiting callers are served in order and the
// long-run rate never exceeds qps, however many threads call.

#include <chrono>
#include <functional>
#include <mutex>
#include <optional>

namespace sscsi::kube {

class RateLimiter {
 public:
  using Clock = std::function<std::chrono::steady_clock::time_point()>;

  // qps <= 0 turns the limit off. burst < 1 counts as 1.
  RateLimiter(
      double qps, int burst, Clock clock = [] { return std::chrono::steady_clock::now(); });

  // Takes a token and returns how long the caller must wait before using it (zero: now).
  // When that wait would be longer than `max_wait`, takes nothing and returns nullopt.
  // Thread-safe; never blocks.
  std::optional<std::chrono::nanoseconds> reserve(
      std::chrono::nanoseconds max_wait = std::chrono::nanoseconds::max());

  // reserve() and then sleep out the wait. False (and no token taken) when the wait would be
  // longer than `max_wait`.
  bool acquire(std::chrono::nanoseconds max_wait = std::chrono::nanoseconds::max());

 private:
  const double qps_;
  const double burst_;
  const Clock clock_;

  std::mutex mutex_;
  // May go negative: each waiting caller has already taken its future token.
  double tokens_;
  std::chrono::steady_clock::time_point updated_;
};

}  // namespace sscsi::kube
