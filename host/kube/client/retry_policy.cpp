#include "kube/client/retry_policy.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <cmath>

namespace sscsi::kube {

bool is_retryable_status(long status) {
  return status == 429 || (status >= 500 && status <= 599 && status != 501);
}

std::optional<std::chrono::milliseconds> parse_retry_after(
    std::string_view value, std::chrono::system_clock::time_point now) {
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t' || value.back() == '\r' ||
                            value.back() == '\n')) {
    value.remove_suffix(1);
  }
  if (value.empty()) return std::nullopt;
  if (std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    // Anything longer than a day's worth of digits is capped by the caller anyway; nine digits
    // cannot overflow.
    if (value.size() > 9) return std::chrono::milliseconds(std::chrono::seconds(999999999));
    long long seconds = 0;
    for (const char c : value) seconds = seconds * 10 + (c - '0');
    return std::chrono::milliseconds(std::chrono::seconds(seconds));
  }
  // An HTTP-date must start with a day name: this keeps curl_getdate's leniency (it takes
  // "12:00" or "tomorrow"-like fragments) from turning junk into a time.
  if (value.size() < 3 || !std::isalpha(static_cast<unsigned char>(value[0]))) return std::nullopt;
  const std::string text(value);
  const time_t when = curl_getdate(text.c_str(), nullptr);
  if (when == static_cast<time_t>(-1)) return std::nullopt;
  const auto delay = std::chrono::system_clock::from_time_t(when) - now;
  if (delay <= std::chrono::system_clock::duration::zero()) return std::chrono::milliseconds(0);
  return std::chrono::ceil<std::chrono::milliseconds>(delay);
}

std::chrono::milliseconds backoff_delay(const RetryPolicy& policy, int retry, double jitter) {
  jitter = std::clamp(jitter, 0.0, 1.0);
  const double base = static_cast<double>(policy.base_delay.count());
  const double cap = static_cast<double>(policy.max_delay.count());
  const double exponential = std::min(cap, base * std::pow(2.0, std::max(retry, 1) - 1));
  return std::chrono::milliseconds(
      static_cast<long long>(std::llround(exponential / 2 + exponential / 2 * jitter)));
}

RetryDecision decide_retry(const RetryPolicy& policy, const AttemptOutcome& outcome,
                           int attempts_made, std::chrono::milliseconds elapsed, double jitter,
                           std::chrono::system_clock::time_point now) {
  const bool transient =
      outcome.status == 0 ? outcome.transport_retryable : is_retryable_status(outcome.status);
  if (!transient || attempts_made >= policy.max_attempts) return {};

  std::chrono::milliseconds delay = backoff_delay(policy, attempts_made, jitter);
  if (outcome.status != 0 && outcome.retry_after) {
    if (const auto asked = parse_retry_after(*outcome.retry_after, now)) {
      delay = std::min(*asked, policy.max_retry_after);
    }
  }
  if (elapsed + delay >= policy.budget) return {};
  return RetryDecision{true, delay};
}

}  // namespace sscsi::kube
