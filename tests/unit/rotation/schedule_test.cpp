// The schedule's rules with the time passed in: ordering, jitter bounds, backoff, tokens, forget.
#include "rotation/schedule.h"

#include <gtest/gtest.h>

#include <random>
#include <set>

#include <fmt/format.h>

namespace sscsi::rotation {
namespace {

using namespace std::chrono_literals;

const TimePoint t0 = TimePoint(std::chrono::hours(24 * 365 * 30));

ScheduleOptions options(std::chrono::milliseconds interval = 100s) {
  ScheduleOptions o;
  o.interval = interval;
  o.backoff = Backoff::for_interval(interval);
  o.token_margin = 30s;
  return o;
}

// A fixed "random" value, so that due times are exact.
std::function<double()> fixed(double value) {
  return [value] { return value; };
}

TEST(Schedule, HandsOutTargetsInDueOrderAndOnlyWhenDue) {
  double next = 0.0;
  Schedule schedule(options(), [&next] { return next; });
  next = 0.5;
  schedule.remember("/b", std::nullopt, t0);  // due t0 + 105 s
  next = 0.0;
  schedule.remember("/a", std::nullopt, t0);  // due t0 + 100 s
  next = 0.9;
  schedule.remember("/c", std::nullopt, t0);  // due t0 + 109 s
  EXPECT_FALSE(schedule.take_due(t0 + 99s).has_value());
  EXPECT_EQ(schedule.next_due(), t0 + 100s);
  EXPECT_EQ(schedule.take_due(t0 + 200s), "/a");
  EXPECT_EQ(schedule.take_due(t0 + 200s), "/b");
  EXPECT_EQ(schedule.take_due(t0 + 200s), "/c");
  EXPECT_FALSE(schedule.take_due(t0 + 200s).has_value()) << "taken targets wait for finish()";
  EXPECT_FALSE(schedule.next_due().has_value());
}

TEST(Schedule, JitterStaysWithinTenPercentOfTheInterval) {
  std::mt19937_64 random(42);
  Schedule schedule(options(),
                    [&random] { return std::uniform_real_distribution<double>(0.0, 1.0)(random); });
  std::set<TimePoint> distinct;
  for (int i = 0; i < 1000; ++i) {
    const std::string target = fmt::format("/t{}", i);
    schedule.remember(target, std::nullopt, t0);
    const TimePoint due = *schedule.due(target);
    EXPECT_GE(due, t0 + 100s);
    EXPECT_LT(due, t0 + 110s);
    distinct.insert(due);
  }
  EXPECT_GT(distinct.size(), 900u) << "mounts made together spread out";
}

TEST(Schedule, FinishedRefreshIsDueOneIntervalLater) {
  Schedule schedule(options(), fixed(0.0));
  schedule.remember("/a", std::nullopt, t0);
  ASSERT_EQ(schedule.take_due(t0 + 100s), "/a");
  schedule.finish("/a", t0 + 101s);
  EXPECT_EQ(schedule.due("/a"), t0 + 201s);
  EXPECT_FALSE(schedule.take_due(t0 + 200s).has_value());
  EXPECT_EQ(schedule.take_due(t0 + 201s), "/a");
}

TEST(Schedule, RepublishKeepsTheDueTimeAndTakesTheNewTokens) {
  Schedule schedule(options(), fixed(0.0));
  schedule.remember("/a", t0 + 10s, t0);
  schedule.remember("/a", t0 + 1h, t0 + 50s);
  EXPECT_EQ(schedule.due("/a"), t0 + 100s);
  EXPECT_EQ(schedule.take_due(t0 + 100s), "/a") << "the fresh tokens are valid";
}

TEST(Schedule, TargetsWithTokensNearExpiryWaitForTheKubelet) {
  Schedule schedule(options(), fixed(0.0));
  schedule.remember("/expiring", t0 + 120s, t0);  // at t0 + 100 s only 20 s are left
  schedule.remember("/expired", TimePoint::min(), t0);
  schedule.remember("/fine", t0 + 1h, t0);
  EXPECT_EQ(schedule.take_due(t0 + 100s), "/fine");
  EXPECT_FALSE(schedule.take_due(t0 + 100s).has_value());
  EXPECT_EQ(schedule.due("/expiring"), t0 + 200s) << "looked at again one interval later";
  // The kubelet's republish brings fresh tokens.
  schedule.remember("/expiring", t0 + 2h, t0 + 150s);
  EXPECT_EQ(schedule.take_due(t0 + 200s), "/expiring");
}

TEST(Schedule, FailuresBackOffAndSuccessResets) {
  Schedule schedule(options(), fixed(0.0));  // backoff 10 s, 20 s, 40 s, ... capped at 400 s
  schedule.remember("/a", std::nullopt, t0);
  TimePoint now = t0 + 100s;
  const std::vector<std::chrono::seconds> waits{10s, 20s, 40s, 80s, 160s, 320s, 400s, 400s};
  for (const auto wait : waits) {
    ASSERT_EQ(schedule.take_due(now), "/a");
    schedule.failed("/a", 0ms, now);
    schedule.finish("/a", now);
    EXPECT_TRUE(schedule.backing_off("/a", now + wait - 1s));
    EXPECT_FALSE(schedule.take_due(now + wait - 1s).has_value());
    now += wait;
    EXPECT_FALSE(schedule.backing_off("/a", now));
  }
  EXPECT_EQ(schedule.failures("/a"), static_cast<int>(waits.size()));
  ASSERT_EQ(schedule.take_due(now), "/a");
  schedule.refreshed("/a", now);
  schedule.finish("/a", now);
  EXPECT_EQ(schedule.failures("/a"), 0);
  EXPECT_EQ(schedule.due("/a"), now + 100s);
  schedule.failed("/a", 0ms, now + 1s);
  EXPECT_EQ(schedule.due("/a"), now + 11s) << "the backoff starts over after a success";
}

TEST(Schedule, ThrottledFailureWaitsAtLeastItsRetryAfter) {
  Schedule schedule(options(), fixed(0.0));
  schedule.remember("/a", std::nullopt, t0);
  schedule.failed("/a", 3min, t0);
  EXPECT_EQ(schedule.due("/a"), t0 + 3min);
  EXPECT_TRUE(schedule.backing_off("/a", t0 + 179s));
}

TEST(Schedule, KubeletRefreshWhileTakenIsNotOverwrittenByFinish) {
  Schedule schedule(options(), fixed(0.0));
  schedule.remember("/a", std::nullopt, t0);
  ASSERT_EQ(schedule.take_due(t0 + 100s), "/a");
  schedule.failed("/a", 0ms, t0 + 101s);  // told by the pipeline during the call
  schedule.finish("/a", t0 + 102s);
  EXPECT_EQ(schedule.due("/a"), t0 + 111s);
  EXPECT_EQ(schedule.take_due(t0 + 111s), "/a");
}

TEST(Schedule, ForgottenTargetsAreNeverHandedOut) {
  Schedule schedule(options(), fixed(0.0));
  schedule.remember("/a", std::nullopt, t0);
  schedule.remember("/b", std::nullopt, t0);
  schedule.forget("/a");
  EXPECT_EQ(schedule.size(), 1u);
  EXPECT_EQ(schedule.take_due(t0 + 1h), "/b");
  // Unmounted during its refresh: finish() does not bring it back.
  schedule.forget("/b");
  schedule.finish("/b", t0 + 1h);
  EXPECT_EQ(schedule.size(), 0u);
  EXPECT_FALSE(schedule.take_due(t0 + 10h).has_value());
  EXPECT_FALSE(schedule.backing_off("/b", t0));
}

TEST(Schedule, StaleHeapItemsDoNotPileUp) {
  Schedule schedule(options(), fixed(0.0));
  schedule.remember("/a", std::nullopt, t0);
  for (int i = 0; i < 10000; ++i) schedule.refreshed("/a", t0 + std::chrono::seconds(i));
  EXPECT_EQ(schedule.due("/a"), t0 + 9999s + 100s);
  EXPECT_EQ(schedule.take_due(t0 + 10099s), "/a");
  EXPECT_FALSE(schedule.take_due(t0 + 10h).has_value()) << "one current entry per target";
}

}  // namespace
}  // namespace sscsi::rotation
