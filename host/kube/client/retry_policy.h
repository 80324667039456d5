#pragma once
// When a request to the API server is worth sending again, and after how long. Pure functions
// of the answer, the attempt count, the time spent and a jitter value, so tests can pin every
// case without a server or a clock.
//
// Retried: 429 (after Retry-After when the server sends one), 5xx except 501 Not Implemented,
// and transport failures the caller classed as transient (connection refused or reset, timeout,
// cut during the TLS handshake). Everything else (2xx, 3xx, 4xx, a certificate that does not
// verify) is final. Non-idempotent requests are retried too: a POST whose connection broke may
// have been applied, and its retry then answers 409 AlreadyExists, which Kubernetes callers
// handle anyway (client-go makes the same trade).

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace sscsi::kube {

struct RetryPolicy {
  int max_attempts = 5;                              // requests sent in all, first included
  std::chrono::milliseconds base_delay{100};         // first backoff
  std::chrono::milliseconds max_delay{5000};         // backoff cap (doubling stops here)
  std::chrono::milliseconds budget{30000};           // no retry starts after this much time
  std::chrono::milliseconds max_retry_after{30000};  // cap on a server's Retry-After
};

struct AttemptOutcome {
  long status = 0;                         // HTTP status; 0 when no answer arrived
  bool transport_retryable = false;        // status 0 only: the failure was transient
  std::optional<std::string> retry_after;  // the Retry-After header, when sent
};

struct RetryDecision {
  bool retry = false;
  std::chrono::milliseconds delay{0};  // wait this long before the next attempt
};

// 429 and 5xx except 501.
bool is_retryable_status(long status);

// Retry-After as delay-seconds ("120") or an HTTP-date ("Wed, 21 Oct 2015 07:28:00 GMT", and
// the obsolete RFC 850 and asctime forms), relative to `now`. A date in the past gives zero.
// Nullopt when the value is neither.
std::optional<std::chrono::milliseconds> parse_retry_after(
    std::string_view value, std::chrono::system_clock::time_point now);

// The wait before retry number `retry` (1 for the first retry): exponential from base_delay,
// capped at max_delay, with "equal jitter": half of it fixed, half scaled by `jitter` in [0, 1).
// The fixed half keeps a crowd of clients from hammering a recovering server at once.
std::chrono::milliseconds backoff_delay(const RetryPolicy& policy, int retry, double jitter);

// Whether to send attempt number `attempts_made + 1`, given the last outcome and the time
// spent since the first attempt started. A server's Retry-After (capped at max_retry_after)
// replaces the backoff. No retry when the attempts are used up or the wait would end past the
// budget.
RetryDecision decide_retry(const RetryPolicy& policy, const AttemptOutcome& outcome,
                           int attempts_made, std::chrono::milliseconds elapsed, double jitter,
                           std::chrono::system_clock::time_point now);

}  // namespace sscsi::kube
