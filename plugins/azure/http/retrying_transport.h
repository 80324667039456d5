#pragma once
// Sends a request through another transport and retries it as retry_policy.h decides:
// sleeping between attempts in slices that notice the host's cancellation. The response it
// returns is the last one, with `attempts` and `retry_after` (the server's last ask) filled, so
// a caller giving up on a 429/503 can pass the server's wait on to the host.

#include <functional>

#include "http/http_transport.h"
#include "http/retry_policy.h"

namespace sscsi::azure {

class RetryingTransport final : public HttpTransport {
 public:
  // Jitter: uniform in [0, 1). Sleep: waits the given time, false when the call should stop.
  using JitterSource = std::function<double()>;
  using Sleeper = std::function<bool(std::chrono::milliseconds, const CallControl&)>;

  RetryingTransport(HttpTransport& inner, RetryOptions options, RetryStatusSet statuses);
  // For tests: deterministic jitter and a sleeper that records instead of waiting.
  RetryingTransport(HttpTransport& inner, RetryOptions options, RetryStatusSet statuses,
                    JitterSource jitter, Sleeper sleeper);

  HttpResponse send(const HttpRequest& request, const CallControl& control) override;

  const RetryOptions& options() const { return options_; }

 private:
  HttpTransport& inner_;
  const RetryOptions options_;
  const RetryStatusSet statuses_;
  JitterSource jitter_;
  Sleeper sleeper_;
};

}  // namespace sscsi::azure
