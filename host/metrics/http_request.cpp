#include "metrics/http_request.h"

#include <algorithm>

#include <fmt/format.h>

namespace sscsi::metrics {
namespace {

// RFC 9110 token characters, which methods and header names consist of.
bool is_token_char(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

bool is_token(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), is_token_char);
}

// Splits off one line (without its CR LF or LF).
std::string_view next_line(std::string_view& rest) {
  const std::size_t end = rest.find('\n');
  std::string_view line = rest.substr(0, end);
  rest.remove_prefix(end == std::string_view::npos ? rest.size() : end + 1);
  if (line.ends_with('\r')) line.remove_suffix(1);
  return line;
}

HttpRequestError bad_request(std::string reason) { return {400, std::move(reason)}; }

}  // namespace

std::optional<std::size_t> request_head_length(std::string_view received) {
  // The head ends at the first empty line; look for both line-ending styles and take the first.
  const std::size_t crlf = received.find("\r\n\r\n");
  const std::size_t lf = received.find("\n\n");
  std::optional<std::size_t> length;
  if (crlf != std::string_view::npos) length = crlf + 4;
  if (lf != std::string_view::npos && (!length || lf + 2 < *length)) length = lf + 2;
  return length;
}

std::variant<HttpRequest, HttpRequestError> parse_request_head(std::string_view head) {
  std::string_view rest = head;
  const std::string_view request_line = next_line(rest);
  const std::size_t first_space = request_line.find(' ');
  const std::size_t second_space = request_line.find(' ', first_space + 1);
  if (first_space == std::string_view::npos || second_space == std::string_view::npos ||
      request_line.find(' ', second_space + 1) != std::string_view::npos) {
    return bad_request("the request line must be METHOD SP TARGET SP HTTP-VERSION");
  }
  const std::string_view method = request_line.substr(0, first_space);
  const std::string_view target =
      request_line.substr(first_space + 1, second_space - first_space - 1);
  const std::string_view version = request_line.substr(second_space + 1);
  if (!is_token(method)) return bad_request("the method is not a token");
  if (!target.starts_with('/')) return bad_request("the target must be an absolute path");
  if (std::any_of(target.begin(), target.end(),
                  [](char c) { return static_cast<unsigned char>(c) < 0x21 || c == 0x7f; })) {
    return bad_request("the target contains a control character");
  }
  if (version != "HTTP/1.1" && version != "HTTP/1.0") {
    if (version.starts_with("HTTP/")) {
      return HttpRequestError{505, fmt::format("{} is not supported; use HTTP/1.1", version)};
    }
    return bad_request("the request line does not end in an HTTP version");
  }
  while (!rest.empty()) {
    const std::string_view line = next_line(rest);
    if (line.empty()) break;
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos || !is_token(line.substr(0, colon))) {
      return bad_request("a header line must be NAME: VALUE");
    }
  }
  HttpRequest request;
  request.method = std::string(method);
  request.path = std::string(target.substr(0, target.find('?')));
  return request;
}

}  // namespace sscsi::metrics
