#pragma once
// When an Azure request is worth sending again, and after how long (reference
// azure-provider.md §7 and §3.2). Pure functions of the answer, the retry count, the time left
// and a jitter value, so tests pin every case without a server or a clock.
//
// Key Vault and Entra ID (azcore's default policy): transport errors and 408, 429, 500, 502,
// 503, 504; up to 3 retries; delay (2^retry - 1) x 800 ms x jitter in [0.8, 1.3), capped at
// 60 s; a server's retry-after-ms, x-ms-retry-after-ms or Retry-After (seconds or HTTP-date)
// replaces that delay, but one longer than the cap ends the retries at once (the 429 goes back
// to the caller with the server's wait, which becomes set_error's retry_after_ms).
// IMDS (azidentity's managed-identity policy): transport errors and 404, 410, 429, 500-508,
// 510, 511; base delay 2 s.
// No retry starts when its wait would end past the call's deadline.

#include <chrono>
#include <optional>
#include <string_view>

#include "http/http_message.h"

namespace sscsi::azure {

enum class RetryStatusSet { KeyVault, Imds };

struct RetryOptions {
  int max_retries = 3;                               // sends after the first one
  std::chrono::milliseconds base_delay{800};         // the (2^retry - 1) multiplier's unit
  std::chrono::milliseconds max_delay{60000};        // cap on the computed backoff
  std::chrono::milliseconds max_retry_after{60000};  // a server asking longer: give up
};

// azidentity's managed-identity defaults (§3.2): 5 retries, 2 s base, 1 min cap.
RetryOptions imds_retry_defaults();

bool is_retryable_status(RetryStatusSet set, long status);

// A Retry-After value: delay-seconds ("120") or an HTTP-date (IMF-fixdate, RFC 850 or asctime)
// relative to `now` (a past date gives zero). Nullopt for anything else.
std::optional<std::chrono::milliseconds> parse_retry_after(
    std::string_view value, std::chrono::system_clock::time_point now);

// The server's requested wait on `response`, from (in azcore's order) retry-after-ms,
// x-ms-retry-after-ms (milliseconds) or Retry-After. Nullopt when none parses.
std::optional<std::chrono::milliseconds> server_retry_after(
    const HttpResponse& response, std::chrono::system_clock::time_point now);

// The computed wait before retry number `retry` (1 for the first retry):
// (2^retry - 1) x base_delay x (0.8 + 0.5 x jitter), capped at max_delay; jitter in [0, 1).
std::chrono::milliseconds backoff_delay(const RetryOptions& options, int retry, double jitter);

struct RetryDecision {
  bool retry = false;
  std::chrono::milliseconds delay{0};
};

// Whether to send again after `retries_done` retries, given the last response (with
// retry_after already filled from server_retry_after), the time left before the call's
// deadline and a jitter value in [0, 1).
RetryDecision decide_retry(const RetryOptions& options, RetryStatusSet set,
                           const HttpResponse& response, int retries_done,
                           std::chrono::milliseconds time_left, double jitter);

}  // namespace sscsi::azure
