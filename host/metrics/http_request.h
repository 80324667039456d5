#pragma once
// The request head of an HTTP/1.x request, as far as a metrics and health endpoint needs it:
// method and path. Headers are read only to find where the head ends; none changes the answer.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace sscsi::metrics {

struct HttpRequest {
  std::string method;  // as sent, case-sensitive (RFC 9110)
  std::string path;    // the target without its query string
};

// A request that cannot be answered normally: the status to send and why.
struct HttpRequestError {
  int status = 400;
  std::string reason;
};

// The length of the head (through the empty line) once `received` holds all of it. A bare LF
// line ending is accepted as RFC 9112 allows.
std::optional<std::size_t> request_head_length(std::string_view received);

// Parses the head: "METHOD SP TARGET SP HTTP/1.x" and header lines of the form "Name: value".
std::variant<HttpRequest, HttpRequestError> parse_request_head(std::string_view head);

}  // namespace sscsi::metrics
