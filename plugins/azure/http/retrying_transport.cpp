#include "http/retrying_transport.h"

#include <mutex>
#include <random>

#include <fmt/format.h>

namespace sscsi::azure {
namespace {

double random_jitter() {
  static std::mutex mutex;
  static std::mt19937_64 engine(std::random_device{}());
  std::lock_guard guard(mutex);
  return std::uniform_real_distribution<double>(0.0, 1.0)(engine);
}

}  // namespace

RetryingTransport::RetryingTransport(HttpTransport& inner, RetryOptions options,
                                     RetryStatusSet statuses)
    : RetryingTransport(inner, options, statuses, &random_jitter,
                        [](std::chrono::milliseconds delay, const CallControl& control) {
                          return control.sleep_for(delay);
                        }) {}

RetryingTransport::RetryingTransport(HttpTransport& inner, RetryOptions options,
                                     RetryStatusSet statuses, JitterSource jitter, Sleeper sleeper)
    : inner_(inner),
      options_(options),
      statuses_(statuses),
      jitter_(std::move(jitter)),
      sleeper_(std::move(sleeper)) {}

HttpResponse RetryingTransport::send(const HttpRequest& request, const CallControl& control) {
  int retries = 0;
  while (true) {
    HttpResponse response = inner_.send(request, control);
    response.attempts = retries + 1;
    response.retry_after = server_retry_after(response, std::chrono::system_clock::now());
    const RetryDecision decision =
        decide_retry(options_, statuses_, response, retries, control.remaining(), jitter_());
    if (!decision.retry) return response;
    if (!sleeper_(decision.delay, control)) {
      response.failure = TransportFailure::Cancelled;
      response.failure_text = fmt::format(
          "stopped while waiting {} ms to retry ({}): the call was cancelled or its deadline "
          "passed",
          decision.delay.count(),
          response.status != 0 ? fmt::format("HTTP {}", response.status) : response.failure_text);
      return response;
    }
    ++retries;
  }
}

}  // namespace sscsi::azure
