// Backoff after failed refreshes: doubling, capped, jittered by at most 10%, retry_after honoured.
#include "rotation/backoff.h"

#include <gtest/gtest.h>

namespace sscsi::rotation {
namespace {

using namespace std::chrono_literals;
using std::chrono::milliseconds;

TEST(Backoff, DoublesFromTheInitialDelayUpToTheCap) {
  const Backoff backoff = Backoff::for_interval(2min);
  EXPECT_EQ(backoff.initial, 10s);
  EXPECT_EQ(backoff.cap, 8min);
  const std::vector<milliseconds> expected{10s, 20s, 40s, 80s, 160s, 320s, 480s, 480s};
  for (std::size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(backoff.delay(static_cast<int>(i) + 1, 0ms, 0.0), expected[i]) << i + 1;
  }
  EXPECT_EQ(backoff.delay(1'000'000, 0ms, 0.0), 480s) << "no overflow however many failures";
}

TEST(Backoff, ShortIntervalsStartAtTheInterval) {
  const Backoff backoff = Backoff::for_interval(1s);
  EXPECT_EQ(backoff.delay(1, 0ms, 0.0), 1s);
  EXPECT_EQ(backoff.delay(2, 0ms, 0.0), 2s);
  EXPECT_EQ(backoff.delay(3, 0ms, 0.0), 4s);
  EXPECT_EQ(backoff.delay(4, 0ms, 0.0), 4s);
}

TEST(Backoff, JitterAddsAtMostATenth) {
  const Backoff backoff = Backoff::for_interval(2min);
  EXPECT_EQ(backoff.delay(2, 0ms, 0.5), 21s);
  EXPECT_EQ(backoff.delay(2, 0ms, 0.999999), milliseconds(21999));
  EXPECT_EQ(backoff.delay(2, 0ms, 7.0), 22s) << "out-of-range jitter is clamped";
}

TEST(Backoff, RetryAfterIsAMinimum) {
  const Backoff backoff = Backoff::for_interval(2min);
  EXPECT_EQ(backoff.delay(1, 90s, 0.0), 90s);
  EXPECT_EQ(backoff.delay(1, 1h, 0.0), 1h) << "a throttled vault's hint beats the cap";
  EXPECT_EQ(backoff.delay(3, 5s, 0.0), 40s) << "a short hint does not shorten the backoff";
}

}  // namespace
}  // namespace sscsi::rotation
