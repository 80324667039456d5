#include "rotation/backoff.h"

#include <algorithm>

namespace sscsi::rotation {

Backoff Backoff::for_interval(std::chrono::milliseconds poll_interval) {
  Backoff backoff;
  backoff.initial = std::max(std::chrono::milliseconds(1),
                             std::min(std::chrono::milliseconds(10'000), poll_interval));
  backoff.cap = std::max(backoff.initial, 4 * poll_interval);
  return backoff;
}

std::chrono::milliseconds Backoff::delay(int failures, std::chrono::milliseconds retry_after,
                                         double jitter) const {
  std::chrono::milliseconds base = initial;
  // Doubling stops at the cap, so the shift never overflows however many failures there were.
  for (int i = 1; i < failures && base < cap; ++i) base *= 2;
  base = std::min(base, cap);
  const auto extra = std::chrono::milliseconds(static_cast<std::chrono::milliseconds::rep>(
      static_cast<double>(base.count()) * 0.1 * std::clamp(jitter, 0.0, 1.0)));
  return std::max(base + extra, retry_after);
}

}  // namespace sscsi::rotation
