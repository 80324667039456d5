#pragma once
// HttpTransport over libcurl, one attempt per send (retries: RetryingTransport).
// - TLS: peer and host name always verified, TLS 1.2 or newer; trust = system store, plus
//   the configured caFile, parsed once per client (trust_store.h).
// - CONNECT_TO: the configured list on every request, after the request's own entries.
// - Proxies: HTTP(S)_PROXY / NO_PROXY from the environment, as libcurl does by default;
//   loopback hosts (NMI on localhost) never go through a proxy, as in Go.
// - Connections, DNS and TLS sessions reused across requests and mounts (curl_handle_pool.h).
// - Per attempt: connect and total timeouts, both bounded by the call's deadline, and the
//   host's cancellation polled while the transfer runs.
// - Answers longer than max_response_bytes are cut off (TransportFailure::TooLarge).
// Thread-safe: concurrent sends use separate handles.

#include <string>
#include <vector>

#include "http/curl_handle_pool.h"
#include "http/http_client_options.h"
#include "http/http_transport.h"
#include "http/trust_store.h"

namespace sscsi::azure {

class HttpClient final : public HttpTransport {
 public:
  // Throws std::invalid_argument when the options are unusable (caFile unreadable, a
  // malformed connectTo entry, non-positive timeouts or size cap); the message names it.
  explicit HttpClient(HttpClientOptions options);
  ~HttpClient() override;

  HttpResponse send(const HttpRequest& request, const CallControl& control) override;

  // The DNS names (subjectAltName) of the certificate the https server at `url` presents,
  // verified as for any request (CA, host name, CONNECT_TO); no request is sent. Throws
  // std::runtime_error saying why they could not be read.
  std::vector<std::string> server_certificate_dns_names(const std::string& url,
                                                        const CallControl& control);

  const HttpClientOptions& options() const { return options_; }

 private:
  // `description` of a failed transfer, plus why the trust store lacks the system bundle when
  // that may be why the peer could not be verified.
  std::string with_trust_problem(CURLcode code, std::string description) const;

  const HttpClientOptions options_;
  // Declared before the pool: handles point at it until the pool is gone.
  const TrustStore trust_;
  CurlHandlePool handles_;
};

}  // namespace sscsi::azure
