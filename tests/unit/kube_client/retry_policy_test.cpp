// Retry decisions: which answers are retried, Retry-After (seconds and HTTP-date), backoff
// growth and caps, the attempt limit and the time budget.

#include <gtest/gtest.h>

#include <chrono>

#include "kube/client/retry_policy.h"

namespace sscsi::kube {
namespace {

using namespace std::chrono_literals;
using std::chrono::milliseconds;

// Sun, 06 Nov 1994 08:49:37 GMT
const auto kNow = std::chrono::system_clock::from_time_t(784111777);

AttemptOutcome answered(long status, std::optional<std::string> retry_after = std::nullopt) {
  AttemptOutcome outcome;
  outcome.status = status;
  outcome.retry_after = std::move(retry_after);
  return outcome;
}

AttemptOutcome transport(bool retryable) {
  AttemptOutcome outcome;
  outcome.transport_retryable = retryable;
  return outcome;
}

TEST(KubeClientRetry, RetryableStatuses) {
  for (const long status : {429L, 500L, 502L, 503L, 504L, 599L}) {
    EXPECT_TRUE(is_retryable_status(status)) << status;
  }
  for (const long status : {200L, 201L, 301L, 400L, 401L, 403L, 404L, 409L, 410L, 422L, 501L}) {
    EXPECT_FALSE(is_retryable_status(status)) << status;
  }
}

TEST(KubeClientRetry, RetryAfterSeconds) {
  EXPECT_EQ(parse_retry_after("2", kNow), milliseconds(2000));
  EXPECT_EQ(parse_retry_after(" 3 \r\n", kNow), milliseconds(3000));
  EXPECT_EQ(parse_retry_after("0", kNow), milliseconds(0));
  EXPECT_EQ(parse_retry_after("12345678901234567890", kNow), milliseconds(999999999000));
}

TEST(KubeClientRetry, RetryAfterHttpDates) {
  EXPECT_EQ(parse_retry_after("Sun, 06 Nov 1994 08:49:47 GMT", kNow), milliseconds(10000));
  EXPECT_EQ(parse_retry_after("Sunday, 06-Nov-94 08:49:42 GMT", kNow), milliseconds(5000));
  EXPECT_EQ(parse_retry_after("Sun Nov  6 08:50:37 1994", kNow), milliseconds(60000));
  EXPECT_EQ(parse_retry_after("Sun, 06 Nov 1994 08:00:00 GMT", kNow), milliseconds(0));  // past
}

TEST(KubeClientRetry, RetryAfterJunk) {
  for (const char* junk : {"", "  ", "soon", "-1", "1.5", "2s", "12:00", "0x10", "Sun, 99 Foo"}) {
    EXPECT_EQ(parse_retry_after(junk, kNow), std::nullopt) << junk;
  }
}

TEST(KubeClientRetry, BackoffDoublesWithEqualJitterAndCaps) {
  const RetryPolicy policy;  // 100 ms base, 5 s cap
  EXPECT_EQ(backoff_delay(policy, 1, 0.0), 50ms);
  EXPECT_EQ(backoff_delay(policy, 1, 1.0), 100ms);
  EXPECT_EQ(backoff_delay(policy, 2, 0.0), 100ms);
  EXPECT_EQ(backoff_delay(policy, 2, 0.5), 150ms);
  EXPECT_EQ(backoff_delay(policy, 3, 1.0), 400ms);
  EXPECT_EQ(backoff_delay(policy, 7, 1.0), 5000ms);  // 6.4 s capped
  EXPECT_EQ(backoff_delay(policy, 40, 0.0), 2500ms);
  EXPECT_EQ(backoff_delay(policy, 1000, 1.0), 5000ms);
}

TEST(KubeClientRetry, FinalAnswersAreNotRetried) {
  const RetryPolicy policy;
  for (const long status : {200L, 201L, 400L, 401L, 403L, 404L, 409L, 501L}) {
    EXPECT_FALSE(decide_retry(policy, answered(status), 1, 0ms, 0.5, kNow).retry) << status;
  }
  EXPECT_FALSE(decide_retry(policy, transport(false), 1, 0ms, 0.5, kNow).retry);
}

TEST(KubeClientRetry, ServerErrorsAndTransientTransportFailuresAreRetriedWithBackoff) {
  const RetryPolicy policy;
  const RetryDecision after_503 = decide_retry(policy, answered(503), 1, 0ms, 0.0, kNow);
  EXPECT_TRUE(after_503.retry);
  EXPECT_EQ(after_503.delay, 50ms);
  const RetryDecision after_cut = decide_retry(policy, transport(true), 2, 0ms, 1.0, kNow);
  EXPECT_TRUE(after_cut.retry);
  EXPECT_EQ(after_cut.delay, 200ms);
}

TEST(KubeClientRetry, RetryAfterReplacesBackoff) {
  const RetryPolicy policy;
  const RetryDecision decision = decide_retry(policy, answered(429, "2"), 1, 0ms, 0.0, kNow);
  EXPECT_TRUE(decision.retry);
  EXPECT_EQ(decision.delay, 2000ms);
  // A 503 with Retry-After is honoured the same way.
  EXPECT_EQ(decide_retry(policy, answered(503, "1"), 1, 0ms, 0.0, kNow).delay, 1000ms);
  // An unreadable Retry-After falls back to the backoff.
  EXPECT_EQ(decide_retry(policy, answered(429, "later"), 1, 0ms, 0.0, kNow).delay, 50ms);
}

TEST(KubeClientRetry, RetryAfterIsCapped) {
  RetryPolicy policy;
  policy.budget = 10min;
  policy.max_retry_after = 30s;
  const RetryDecision decision = decide_retry(policy, answered(429, "3600"), 1, 0ms, 0.0, kNow);
  EXPECT_TRUE(decision.retry);
  EXPECT_EQ(decision.delay, 30s);
}

TEST(KubeClientRetry, AttemptsAreLimited) {
  RetryPolicy policy;
  policy.max_attempts = 3;
  EXPECT_TRUE(decide_retry(policy, answered(503), 2, 0ms, 0.0, kNow).retry);
  EXPECT_FALSE(decide_retry(policy, answered(503), 3, 0ms, 0.0, kNow).retry);
  policy.max_attempts = 1;
  EXPECT_FALSE(decide_retry(policy, answered(503), 1, 0ms, 0.0, kNow).retry);
}

TEST(KubeClientRetry, NoRetryPastTheBudget) {
  RetryPolicy policy;
  policy.budget = 30s;
  EXPECT_TRUE(decide_retry(policy, answered(503), 1, 29s, 0.0, kNow).retry);  // 29 s + 50 ms
  EXPECT_FALSE(decide_retry(policy, answered(503), 1, 29980ms, 0.0, kNow).retry);
  // Retry-After longer than what is left: give the answer back instead of sleeping past it.
  EXPECT_FALSE(decide_retry(policy, answered(429, "20"), 1, 15s, 0.0, kNow).retry);
}

}  // namespace
}  // namespace sscsi::kube
