#include "http/call_control.h"

#include <gtest/gtest.h>

#include <atomic>

namespace sscsi::azure {
namespace {

using std::chrono::milliseconds;

TEST(CallControl, DefaultNeverStops) {
  const CallControl control;
  EXPECT_FALSE(control.stop_requested());
  EXPECT_FALSE(control.has_deadline());
  EXPECT_GT(control.remaining(), milliseconds(1000LL * 3600 * 24));
}

TEST(CallControl, StopsAtTheDeadline) {
  const CallControl control(CallControl::Clock::now() + milliseconds(100), {});
  EXPECT_FALSE(control.stop_requested());
  EXPECT_LE(control.remaining(), milliseconds(100));
  EXPECT_FALSE(control.sleep_for(milliseconds(1000)));
  EXPECT_TRUE(control.stop_requested());
  EXPECT_EQ(control.remaining(), milliseconds(0));
}

TEST(CallControl, StopsWhenCancelled) {
  std::atomic<bool> cancelled{false};
  const CallControl control(CallControl::Clock::time_point::max(),
                            [&] { return cancelled.load(); });
  EXPECT_TRUE(control.sleep_for(milliseconds(20)));
  cancelled = true;
  EXPECT_TRUE(control.stop_requested());
  const auto start = CallControl::Clock::now();
  EXPECT_FALSE(control.sleep_for(milliseconds(5000)));
  EXPECT_LT(CallControl::Clock::now() - start, milliseconds(500));
}

TEST(CallControl, UnixDeadlineMapsOntoTheSteadyClock) {
  const auto now_ms =
      std::chrono::duration_cast<milliseconds>(std::chrono::system_clock::now().time_since_epoch())
          .count();
  const CallControl soon = CallControl::until_unix_ms(now_ms + 2000, {});
  EXPECT_TRUE(soon.has_deadline());
  EXPECT_GT(soon.remaining(), milliseconds(1000));
  EXPECT_LE(soon.remaining(), milliseconds(2000));
  EXPECT_TRUE(CallControl::until_unix_ms(now_ms - 10, {}).stop_requested());
  // The plugin stops before the host: 5% of the time left, at most kHostReserve.
  EXPECT_LE(soon.remaining(), milliseconds(1900));
  const CallControl later = CallControl::until_unix_ms(now_ms + 30000, {});
  EXPECT_LE(later.remaining(), milliseconds(30000) - CallControl::kHostReserve);
  EXPECT_GT(later.remaining(), milliseconds(28000));
  EXPECT_FALSE(CallControl::until_unix_ms(0, {}).has_deadline());
}

}  // namespace
}  // namespace sscsi::azure
