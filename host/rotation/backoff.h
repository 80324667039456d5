#pragma once
// How long a target waits after its n-th failed refresh in a row: `initial`, doubling per
// failure, capped at `cap`, plus a random 0..10% so that targets failing together (one vault
// down) do not retry together; a Throttled answer's retry_after is honoured as a minimum.
// A success resets the count (the schedule does that).
//
// Defaults (Backoff::for_interval): initial = min(10 s, poll interval), cap = 4 x poll
// interval (at least initial). With the 2 m default: 10 s, 20 s, 40 s, 80 s, 160 s, 320 s,
// 480 s, 480 s, ...; with a 1 s interval: 1 s, 2 s, 4 s, 4 s, ...

#include <chrono>

namespace sscsi::rotation {

struct Backoff {
  std::chrono::milliseconds initial{10'000};
  std::chrono::milliseconds cap{480'000};

  static Backoff for_interval(std::chrono::milliseconds poll_interval);

  // The wait after `failures` (>= 1) failures in a row; `jitter` in [0, 1) picks the random
  // extra share of up to 10%.
  std::chrono::milliseconds delay(int failures, std::chrono::milliseconds retry_after,
                                  double jitter) const;
};

}  // namespace sscsi::rotation
