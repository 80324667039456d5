#include "metrics/http_response.h"

#include <fmt/format.h>

namespace sscsi::metrics {

std::string_view status_reason(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 400:
      return "Bad Request";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 408:
      return "Request Timeout";
    case 431:
      return "Request Header Fields Too Large";
    case 500:
      return "Internal Server Error";
    case 503:
      return "Service Unavailable";
    case 505:
      return "HTTP Version Not Supported";
    default:
      return "Unknown";
  }
}

std::string serialize_response(const HttpResponse& response, bool head_only) {
  std::string out = fmt::format(
      "HTTP/1.1 {} {}\r\nContent-Type: {}\r\nContent-Length: {}\r\nConnection: close\r\n",
      response.status, status_reason(response.status), response.content_type, response.body.size());
  for (const auto& [name, value] : response.extra_headers) {
    out += fmt::format("{}: {}\r\n", name, value);
  }
  out += "\r\n";
  if (!head_only) out += response.body;
  return out;
}

}  // namespace sscsi::metrics
