#pragma once
// The host's view of the Kubernetes API server: one request in, one answer out. Retries,
// client-side rate limiting, authentication and timeouts happen behind this interface, so the
// code that builds and reads Kubernetes objects never sees them (and tests can count requests).

#include <string>

namespace sscsi::kube {

struct ApiRequest {
  std::string method;  // GET, POST, PUT, PATCH, DELETE
  std::string path;    // absolute API path with query, e.g. /api/v1/namespaces/ns/pods/p
  std::string body;    // JSON; empty for GET/DELETE
  std::string content_type = "application/json";  // PATCH: application/merge-patch+json
  std::string what;                               // the object, for messages: "Pod default/web-1"
};

struct ApiResponse {
  // HTTP status of the final answer; 0 when none arrived (connection refused or cut, TLS
  // failure, timeout) after the client's retries.
  long status = 0;
  std::string body;  // the final answer's body (a Kubernetes Status object on errors)
  // Set whenever status is not 2xx: one line naming `what`, the method and the status or the
  // transport failure, e.g. "Pod default/web-1: GET answered 403 Forbidden: pods \"web-1\" is
  // forbidden: ...". Never contains a token or a Secret's data.
  std::string error;
  int attempts = 0;  // requests actually sent (1 + retries)

  bool ok() const { return status >= 200 && status < 300; }
};

class ApiClient {
 public:
  virtual ~ApiClient() = default;
  // Sends the request. 429 (honouring Retry-After), 5xx and transport failures are retried with
  // jittered exponential backoff within the client's retry budget; every other answer (2xx,
  // 4xx) is returned as it is. Thread-safe; blocks the calling thread.
  virtual ApiResponse send(const ApiRequest& request) = 0;
};

}  // namespace sscsi::kube
