#include "http/retry_policy.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <string>

namespace sscsi::azure {
namespace {

std::string_view trim(std::string_view value) {
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t' || value.back() == '\r' ||
                            value.back() == '\n')) {
    value.remove_suffix(1);
  }
  return value;
}

// Where counts saturate (callers cap far lower).
constexpr long long kSaturatedCount = 999999999LL;

// A non-negative decimal count; values beyond nine digits saturate.
std::optional<long long> parse_count(std::string_view value) {
  value = trim(value);
  if (value.empty() || value.size() > 18) return std::nullopt;
  if (!std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return std::nullopt;
  }
  if (value.size() > 9) return kSaturatedCount;
  long long count = 0;
  for (const char c : value) count = count * 10 + (c - '0');
  return count;
}

}  // namespace

RetryOptions imds_retry_defaults() {
  RetryOptions options;
  options.max_retries = 5;
  options.base_delay = std::chrono::milliseconds(2000);
  options.max_delay = std::chrono::milliseconds(60000);
  options.max_retry_after = std::chrono::milliseconds(60000);
  return options;
}

bool is_retryable_status(RetryStatusSet set, long status) {
  if (set == RetryStatusSet::Imds) {
    return status == 404 || status == 410 || status == 429 || (status >= 500 && status <= 508) ||
           status == 510 || status == 511;
  }
  return status == 408 || status == 429 || status == 500 || status == 502 || status == 503 ||
         status == 504;
}

std::optional<std::chrono::milliseconds> parse_retry_after(
    std::string_view value, std::chrono::system_clock::time_point now) {
  value = trim(value);
  if (value.empty()) return std::nullopt;
  if (const auto seconds = parse_count(value)) {
    return std::chrono::milliseconds(std::chrono::seconds(*seconds));
  }
  // An HTTP-date starts with a day name; this keeps curl_getdate's leniency ("12:00",
  // "tomorrow"-like fragments) from turning junk into a time.
  if (value.size() < 12 || !std::isalpha(static_cast<unsigned char>(value[0])) ||
      !std::isalpha(static_cast<unsigned char>(value[1])) ||
      !std::isalpha(static_cast<unsigned char>(value[2]))) {
    return std::nullopt;
  }
  const std::string text(value);
  const time_t when = curl_getdate(text.c_str(), nullptr);
  if (when == static_cast<time_t>(-1)) return std::nullopt;
  // Compared in seconds first: curl reads years up to 9999, and from_time_t of a date past 2262
  // (or long before 1970) overflows system_clock's nanoseconds. Far dates saturate as
  // delay-seconds do; past ones mean now.
  const long long now_seconds =
      std::chrono::floor<std::chrono::seconds>(now.time_since_epoch()).count();
  const long long ahead = static_cast<long long>(when) - now_seconds;
  if (ahead > kSaturatedCount)
    return std::chrono::milliseconds(std::chrono::seconds(kSaturatedCount));
  if (ahead < 0) return std::chrono::milliseconds(0);
  const auto delay = std::chrono::system_clock::from_time_t(when) - now;
  if (delay <= std::chrono::system_clock::duration::zero()) return std::chrono::milliseconds(0);
  return std::chrono::ceil<std::chrono::milliseconds>(delay);
}

std::optional<std::chrono::milliseconds> server_retry_after(
    const HttpResponse& response, std::chrono::system_clock::time_point now) {
  if (!response.answered()) return std::nullopt;
  for (const std::string_view name : {"retry-after-ms", "x-ms-retry-after-ms"}) {
    if (const std::string* value = response.header(name)) {
      if (const auto ms = parse_count(*value)) return std::chrono::milliseconds(*ms);
    }
  }
  if (const std::string* value = response.header("retry-after")) {
    return parse_retry_after(*value, now);
  }
  return std::nullopt;
}

std::chrono::milliseconds backoff_delay(const RetryOptions& options, int retry, double jitter) {
  jitter = std::clamp(jitter, 0.0, 1.0);
  const int exponent = std::clamp(retry, 1, 30);
  const double factor = std::pow(2.0, exponent) - 1.0;
  const double delay =
      factor * static_cast<double>(options.base_delay.count()) * (0.8 + 0.5 * jitter);
  const double capped = std::min(delay, static_cast<double>(options.max_delay.count()));
  return std::chrono::milliseconds(static_cast<long long>(std::llround(capped)));
}

RetryDecision decide_retry(const RetryOptions& options, RetryStatusSet set,
                           const HttpResponse& response, int retries_done,
                           std::chrono::milliseconds time_left, double jitter) {
  bool retryable = false;
  switch (response.failure) {
    case TransportFailure::None:
      retryable = is_retryable_status(set, response.status);
      break;
    case TransportFailure::Transient:
      retryable = true;
      break;
    case TransportFailure::Permanent:
    case TransportFailure::Cancelled:
    case TransportFailure::TooLarge:
      retryable = false;
      break;
  }
  if (!retryable || retries_done >= options.max_retries) return {};

  std::chrono::milliseconds delay = backoff_delay(options, retries_done + 1, jitter);
  if (response.retry_after) {
    if (*response.retry_after > options.max_retry_after) return {};
    delay = *response.retry_after;
  }
  if (delay >= time_left) return {};
  return RetryDecision{true, delay};
}

}  // namespace sscsi::azure
