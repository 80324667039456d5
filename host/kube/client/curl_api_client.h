#pragma once
// ApiClient over libcurl: HTTPS with the server always verified, bearer token or client
// certificate, client-side rate limit, and retries with jittered backoff (retry_policy.h).
// HTTP(S)_PROXY / NO_PROXY from the environment apply, as libcurl does by default.

#include <chrono>
#include <memory>
#include <mutex>
#include <random>
#include <string>

#include "kube/api_client.h"
#include "kube/client/client_options.h"
#include "kube/client/cluster_config.h"
#include "kube/client/curl_handle_pool.h"
#include "kube/client/rate_limiter.h"
#include "kube/client/token_source.h"

namespace sscsi::kube {

class CurlApiClient final : public ApiClient {
 public:
  // Throws std::invalid_argument when `options` are out of range (the message names the
  // option) or `config` has no https server.
  CurlApiClient(ClusterConfig config, ClientOptions options);
  ~CurlApiClient() override;

  ApiResponse send(const ApiRequest& request) override;

 private:
  double next_jitter();

  const ClusterConfig config_;
  const ClientOptions options_;
  const std::string user_agent_;
  TokenSource tokens_;
  RateLimiter limiter_;
  CurlHandlePool handles_;

  std::mutex random_mutex_;
  std::mt19937_64 random_;
};

}  // namespace sscsi::kube
