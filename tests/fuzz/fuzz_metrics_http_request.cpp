// The request head parser of the /metrics and /healthz HTTP server (host/metrics): anyone who
// can reach --metrics-addr or --health-addr sends these bytes.
//
// Input: the bytes received on one connection. Expected: request_head_length and
// parse_request_head never throw (a bad head is an HttpRequestError with a 4xx/5xx status).
// Invariants: the head length lies within the input and ends at an empty line; a parsed request
// has a method and an absolute path without a query string.

#include <cstdint>
#include <string>
#include <variant>

#include "fuzz_support.h"
#include "metrics/http_request.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace sscsi;
  const std::string_view received = fuzz::as_text(data, size);
  const auto length = metrics::request_head_length(received);
  if (!length) return 0;
  if (*length > received.size() || *length < 2 || received[*length - 1] != '\n') {
    fuzz::fuzz_fail("fuzz_metrics_http_request: the head length does not end at a line end",
                    std::to_string(*length));
  }
  const auto parsed = metrics::parse_request_head(received.substr(0, *length));
  if (const auto* request = std::get_if<metrics::HttpRequest>(&parsed)) {
    if (request->method.empty() || request->path.empty() || request->path.front() != '/' ||
        request->path.find('?') != std::string::npos) {
      fuzz::fuzz_fail("fuzz_metrics_http_request: a parsed request has no method or a bad path",
                      request->method + " " + request->path);
    }
  } else if (const int status = std::get<metrics::HttpRequestError>(parsed).status;
             status < 400 || status > 599) {
    fuzz::fuzz_fail("fuzz_metrics_http_request: an error status outside 4xx/5xx",
                    std::to_string(status));
  }
  return 0;
}
