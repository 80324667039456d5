#pragma once
// What the HTTP server sends back, and its bytes on the wire.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sscsi::metrics {

struct HttpResponse {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
  std::vector<std::pair<std::string, std::string>> extra_headers;  // e.g. Allow
};

// "OK", "Not Found", …; "Unknown" for a code this server never sends.
std::string_view status_reason(int status);

// Status line, Content-Type, Content-Length, Connection: close, the extra headers, and the body
// unless `head_only` (a HEAD answer keeps the Content-Length of the body it leaves out).
std::string serialize_response(const HttpResponse& response, bool head_only);

}  // namespace sscsi::metrics
