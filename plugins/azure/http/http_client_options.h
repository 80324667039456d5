#pragma once
// How the plugin's HTTP client connects: which CAs it trusts, where CONNECT_TO sends a host,
// timeouts and limits. Filled from the plugin configuration (caFile, connectTo, timeouts).

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

namespace sscsi::azure {

struct HttpClientOptions {
  // Extra trusted CAs (PEM), added to the system store; "" = the system store only.
  std::string ca_file;
  // Whether the system store is trusted at all. False (with a ca_file) trusts only ca_file,
  // as the identity-binding token proxy does with the cluster CA.
  bool use_system_store = true;
  // The system store as one PEM bundle (Debian's path); read only when ca_file is set, since
  // the two are handed to libcurl as one bundle.
  std::string system_ca_bundle = "/etc/ssl/certs/ca-certificates.crt";
  // curl CONNECT_TO entries "HOST:PORT:TO_HOST:TO_PORT" applied to every request (empty HOST
  // or PORT matches any); for private endpoints and tests.
  std::vector<std::string> connect_to;
  // TCP plus TLS handshake (azcore: 30 s dial + 10 s handshake).
  std::chrono::milliseconds connect_timeout{30000};
  // One attempt, end to end, unless the request sets its own (IMDS per-try timeout: 1 min).
  std::chrono::milliseconds request_timeout{60000};
  // Longest answer accepted; Key Vault answers are a few KiB, a version-list page a few
  // hundred KiB at most.
  std::size_t max_response_bytes = 4 * 1024 * 1024;
  // Idle easy handles (each with its open connections) kept between requests.
  std::size_t max_idle_handles = 32;
  std::string user_agent = "sscsi-provider-azure";
};

}  // namespace sscsi::azure
