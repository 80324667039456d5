#include "http/retry_policy.h"

#include <gtest/gtest.h>

namespace sscsi::azure {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

const auto kNow = std::chrono::system_clock::from_time_t(1445412480);  // 2015-10-21 07:28:00 UTC

HttpResponse answer(long status, std::vector<std::pair<std::string, std::string>> headers = {}) {
  HttpResponse response;
  response.status = status;
  response.headers = std::move(headers);
  return response;
}

HttpResponse transport(TransportFailure failure) {
  HttpResponse response;
  response.failure = failure;
  return response;
}

TEST(RetryStatusSet, KeyVaultRetriesExactlyTheAzcoreStatuses) {
  for (long status : {408L, 429L, 500L, 502L, 503L, 504L}) {
    EXPECT_TRUE(is_retryable_status(RetryStatusSet::KeyVault, status)) << status;
  }
  for (long status : {200L, 400L, 401L, 403L, 404L, 409L, 410L, 501L, 505L, 511L}) {
    EXPECT_FALSE(is_retryable_status(RetryStatusSet::KeyVault, status)) << status;
  }
}

TEST(RetryStatusSet, ImdsRetriesItsOwnSet) {
  for (long status : {404L, 410L, 429L, 500L, 501L, 503L, 505L, 508L, 510L, 511L}) {
    EXPECT_TRUE(is_retryable_status(RetryStatusSet::Imds, status)) << status;
  }
  for (long status : {200L, 400L, 401L, 403L, 408L, 509L, 512L}) {
    EXPECT_FALSE(is_retryable_status(RetryStatusSet::Imds, status)) << status;
  }
}

TEST(ParseRetryAfter, Seconds) {
  EXPECT_EQ(parse_retry_after("120", kNow), milliseconds(120000));
  EXPECT_EQ(parse_retry_after(" 0 ", kNow), milliseconds(0));
  EXPECT_EQ(parse_retry_after("1\r\n", kNow), milliseconds(1000));
}

TEST(ParseRetryAfter, HttpDatesInAllThreeForms) {
  EXPECT_EQ(parse_retry_after("Wed, 21 Oct 2015 07:28:30 GMT", kNow), milliseconds(30000));
  EXPECT_EQ(parse_retry_after("Wednesday, 21-Oct-15 07:28:10 GMT", kNow), milliseconds(10000));
  EXPECT_EQ(parse_retry_after("Wed Oct 21 07:28:05 2015", kNow), milliseconds(5000));
}

TEST(ParseRetryAfter, PastDateMeansNow) {
  EXPECT_EQ(parse_retry_after("Wed, 21 Oct 2015 07:00:00 GMT", kNow), milliseconds(0));
}

TEST(ParseRetryAfter, JunkIsIgnored) {
  for (const char* junk :
       {"", "  ", "-5", "1.5", "soon", "12:00", "tomorrow", "0x10", "5s", "Wed, 99 Foo 2015"}) {
    EXPECT_FALSE(parse_retry_after(junk, kNow).has_value()) << junk;
  }
}

TEST(ParseRetryAfter, HugeValuesSaturateInsteadOfOverflowing) {
  const auto value = parse_retry_after("99999999999999999", kNow);
  ASSERT_TRUE(value.has_value());
  EXPECT_GT(*value, milliseconds(seconds(1000000)));
}

// curl reads HTTP-dates up to year 9999, far past what system_clock's nanoseconds hold (2262):
// such a date saturates like a huge delay-seconds value, and one before 1970 means now.
TEST(ParseRetryAfter, DatesBeyondTheClocksRangeSaturateInsteadOfOverflowing) {
  EXPECT_EQ(parse_retry_after("Wed, 21 Oct 8015 07:28:00 GMT", kNow),
            parse_retry_after("99999999999999999", kNow));
  EXPECT_EQ(parse_retry_after("Fri, 31 Dec 9999 23:59:59 GMT", kNow),
            parse_retry_after("99999999999999999", kNow));
  const auto past = parse_retry_after("Sun, 21 Oct 1015 07:28:00 GMT", kNow);
  EXPECT_TRUE(!past.has_value() || *past == milliseconds(0)) << past->count();
  const HttpResponse busy = answer(503, {{"retry-after", "Wed, 21 Oct 8015 07:28:00 GMT"}});
  EXPECT_EQ(server_retry_after(busy, kNow), parse_retry_after("99999999999999999", kNow));
}

TEST(ServerRetryAfter, MillisecondHeadersComeFirst) {
  EXPECT_EQ(
      server_retry_after(answer(429, {{"retry-after", "5"}, {"retry-after-ms", "250"}}), kNow),
      milliseconds(250));
  EXPECT_EQ(server_retry_after(answer(429, {{"retry-after", "5"}, {"x-ms-retry-after-ms", "1500"}}),
                               kNow),
            milliseconds(1500));
  EXPECT_EQ(server_retry_after(answer(503, {{"retry-after", "5"}}), kNow), milliseconds(5000));
}

TEST(ServerRetryAfter, UnparseableMillisecondsFallBackToRetryAfter) {
  EXPECT_EQ(
      server_retry_after(answer(429, {{"retry-after-ms", "abc"}, {"retry-after", "2"}}), kNow),
      milliseconds(2000));
}

TEST(ServerRetryAfter, NoneWithoutHeadersOrWithoutAnAnswer) {
  EXPECT_FALSE(server_retry_after(answer(429), kNow).has_value());
  EXPECT_FALSE(server_retry_after(transport(TransportFailure::Transient), kNow).has_value());
}

TEST(AzureBackoff, FollowsAzcoreFormulaWithinJitterBounds) {
  const RetryOptions options;  // 800 ms base
  // (2^r - 1) x 800 ms x [0.8, 1.3)
  EXPECT_EQ(backoff_delay(options, 1, 0.0), milliseconds(640));
  EXPECT_EQ(backoff_delay(options, 2, 0.0), milliseconds(1920));
  EXPECT_EQ(backoff_delay(options, 3, 0.0), milliseconds(4480));
  EXPECT_EQ(backoff_delay(options, 1, 1.0), milliseconds(1040));
  for (int retry = 1; retry <= 3; ++retry) {
    const double factor = (1 << retry) - 1;
    for (double jitter = 0.0; jitter < 1.0; jitter += 0.05) {
      const auto delay = backoff_delay(options, retry, jitter);
      EXPECT_GE(delay.count(), static_cast<long long>(factor * 800 * 0.8));
      EXPECT_LE(delay.count(), static_cast<long long>(factor * 800 * 1.3));
    }
  }
}

TEST(AzureBackoff, CappedAtMaxDelay) {
  RetryOptions options;
  options.max_delay = milliseconds(3000);
  EXPECT_EQ(backoff_delay(options, 10, 0.9), milliseconds(3000));
  EXPECT_EQ(backoff_delay(options, 1000, 0.5), milliseconds(3000));
}

TEST(AzureBackoff, JitterOutOfRangeIsClamped) {
  const RetryOptions options;
  EXPECT_EQ(backoff_delay(options, 1, -3.0), backoff_delay(options, 1, 0.0));
  EXPECT_EQ(backoff_delay(options, 1, 7.0), backoff_delay(options, 1, 1.0));
}

TEST(DecideRetry, RetriesRetryableStatusesWithBackoff) {
  const RetryOptions options;
  const auto decision =
      decide_retry(options, RetryStatusSet::KeyVault, answer(503), 0, seconds(60), 0.0);
  EXPECT_TRUE(decision.retry);
  EXPECT_EQ(decision.delay, milliseconds(640));
}

TEST(DecideRetry, FinalAnswersAreNotRetried) {
  const RetryOptions options;
  for (long status : {200L, 400L, 401L, 403L, 404L}) {
    EXPECT_FALSE(
        decide_retry(options, RetryStatusSet::KeyVault, answer(status), 0, seconds(60), 0.5).retry)
        << status;
  }
}

TEST(DecideRetry, TransportFailures) {
  const RetryOptions options;
  EXPECT_TRUE(decide_retry(options, RetryStatusSet::KeyVault,
                           transport(TransportFailure::Transient), 0, seconds(60), 0.5)
                  .retry);
  for (auto failure :
       {TransportFailure::Permanent, TransportFailure::Cancelled, TransportFailure::TooLarge}) {
    EXPECT_FALSE(
        decide_retry(options, RetryStatusSet::KeyVault, transport(failure), 0, seconds(60), 0.5)
            .retry);
  }
}

TEST(DecideRetry, StopsAfterMaxRetries) {
  RetryOptions options;
  options.max_retries = 3;
  EXPECT_TRUE(
      decide_retry(options, RetryStatusSet::KeyVault, answer(500), 2, seconds(600), 0.0).retry);
  EXPECT_FALSE(
      decide_retry(options, RetryStatusSet::KeyVault, answer(500), 3, seconds(600), 0.0).retry);
  options.max_retries = 0;
  EXPECT_FALSE(
      decide_retry(options, RetryStatusSet::KeyVault, answer(500), 0, seconds(600), 0.0).retry);
}

TEST(DecideRetry, ServerRetryAfterReplacesBackoff) {
  const RetryOptions options;
  HttpResponse throttled = answer(429);
  throttled.retry_after = milliseconds(7000);
  const auto decision =
      decide_retry(options, RetryStatusSet::KeyVault, throttled, 0, seconds(60), 0.0);
  EXPECT_TRUE(decision.retry);
  EXPECT_EQ(decision.delay, milliseconds(7000));
}

TEST(DecideRetry, RetryAfterBeyondTheCapGivesUpAtOnce) {
  RetryOptions options;
  options.max_retry_after = seconds(60);
  HttpResponse throttled = answer(429);
  throttled.retry_after = seconds(61);
  EXPECT_FALSE(
      decide_retry(options, RetryStatusSet::KeyVault, throttled, 0, seconds(600), 0.0).retry);
  throttled.retry_after = seconds(60);
  EXPECT_TRUE(
      decide_retry(options, RetryStatusSet::KeyVault, throttled, 0, seconds(600), 0.0).retry);
}

TEST(DecideRetry, NeverWaitsPastTheDeadline) {
  const RetryOptions options;
  HttpResponse throttled = answer(429);
  throttled.retry_after = seconds(5);
  EXPECT_FALSE(
      decide_retry(options, RetryStatusSet::KeyVault, throttled, 0, seconds(5), 0.0).retry);
  EXPECT_FALSE(
      decide_retry(options, RetryStatusSet::KeyVault, answer(503), 0, milliseconds(600), 0.0)
          .retry);
  EXPECT_TRUE(
      decide_retry(options, RetryStatusSet::KeyVault, answer(503), 0, milliseconds(700), 0.0)
          .retry);
}

TEST(DecideRetry, ImdsUsesItsStatusesAndDefaults) {
  const RetryOptions options = imds_retry_defaults();
  EXPECT_EQ(options.max_retries, 5);
  EXPECT_EQ(options.base_delay, seconds(2));
  const auto decision =
      decide_retry(options, RetryStatusSet::Imds, answer(404), 0, seconds(600), 0.0);
  EXPECT_TRUE(decision.retry);
  EXPECT_EQ(decision.delay, milliseconds(1600));
  EXPECT_FALSE(
      decide_retry(options, RetryStatusSet::Imds, answer(408), 0, seconds(600), 0.0).retry);
}

}  // namespace
}  // namespace sscsi::azure
