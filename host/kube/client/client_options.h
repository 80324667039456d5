#pragma once
// How the API client behaves: rate limit, timeouts, retries. The host's flags
// (--kube-api-qps, --kube-api-burst) land here.

#include <chrono>
#include <cstddef>
#include <string>

#include "kube/client/retry_policy.h"

namespace sscsi::kube {

struct ClientOptions {
  double qps = 20;  // --kube-api-qps; <= 0: no client-side limit
  int burst = 30;   // --kube-api-burst
  std::chrono::milliseconds connect_timeout{5000};
  // One attempt, connect to last byte. Retries shorten it to what is left of the budget.
  std::chrono::milliseconds request_timeout{10000};
  RetryPolicy retry;  // attempts, backoff, total budget
  // Empty: "sscsi/<version>".
  std::string user_agent;
  // A bigger answer is a failed request (the host reads single objects, never lists).
  std::size_t max_response_bytes = 32 * 1024 * 1024;
  // Idle curl handles (each keeps its connection alive) kept for reuse.
  std::size_t max_idle_connections = 8;
};

}  // namespace sscsi::kube
