#pragma once
// One HTTP exchange of the Azure plugin: what goes out (HttpRequest) and what came back, or why
// nothing came back (HttpResponse). Bodies and the bearer token are SecretStrings: token
// requests carry client secrets and assertions, answers carry tokens and secret values.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/secret_string.h"

namespace sscsi::azure {

struct HttpRequest {
  std::string method = "GET";  // GET or POST
  std::string url;
  // Headers without secrets, sent as given ("Metadata", "podns", ...).
  std::vector<std::pair<std::string, std::string>> headers;
  // Sent as "Authorization: Bearer <token>" when not empty.
  SecretString bearer_token;
  SecretString body;         // POST only
  std::string content_type;  // sent with a body
  // Plain http:// is refused unless this is set (IMDS and NMI are http on the node; Key Vault
  // and Entra ID must never see a bearer token or a client secret in clear text).
  bool allow_plain_http = false;
  // CONNECT_TO entries ("HOST:PORT:TO_HOST:TO_PORT") for this request only, tried before the
  // client's own list.
  std::vector<std::string> connect_to;
  // Total time for this attempt; zero means the client's request timeout. The call's deadline
  // always bounds it.
  std::chrono::milliseconds timeout{0};
};

// Why an attempt produced no HTTP answer.
enum class TransportFailure {
  None,       // an answer arrived (any status)
  Transient,  // refused, reset, timed out, broken TLS handshake: sending again may work
  Permanent,  // certificate not trusted, bad URL, unsupported scheme: sending again will not help
  Cancelled,  // the call's deadline passed or the host cancelled it
  TooLarge,   // the answer was longer than the client's cap
};

struct HttpResponse {
  long status = 0;  // 0 unless failure == None
  // Header names in lower case, values trimmed, in arrival order (repeats kept).
  std::vector<std::pair<std::string, std::string>> headers;
  SecretString body;
  TransportFailure failure = TransportFailure::None;
  std::string failure_text;  // libcurl's description when failure != None; never a secret
  int attempts = 1;          // how many times the request was sent (RetryingTransport)
  // What the server asked us to wait (Retry-After and friends) on the last answer, if anything.
  std::optional<std::chrono::milliseconds> retry_after;

  bool answered() const { return failure == TransportFailure::None; }
  bool ok() const { return answered() && status >= 200 && status < 300; }
  // First value of the header with this lower-case name, or null.
  const std::string* header(std::string_view lower_name) const;
};

}  // namespace sscsi::azure
