#include "kube/client/api_error_text.h"

#include <algorithm>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace sscsi::kube {
namespace {

constexpr std::size_t kMaxMessageChars = 1000;

std::string one_line(std::string_view text) {
  std::string line;
  line.reserve(std::min(text.size(), kMaxMessageChars));
  for (const char c : text) {
    if (line.size() >= kMaxMessageChars) {
      line += "...";
      break;
    }
    line.push_back(c == '\n' || c == '\r' || c == '\t' ? ' ' : c);
  }
  while (!line.empty() && line.back() == ' ') line.pop_back();
  return line;
}

std::string attempts_suffix(int attempts) {
  return attempts > 1 ? fmt::format(" after {} attempts", attempts) : std::string();
}

}  // namespace

std::string_view http_reason_phrase(long status) {
  switch (status) {
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 406:
      return "Not Acceptable";
    case 409:
      return "Conflict";
    case 410:
      return "Gone";
    case 413:
      return "Request Entity Too Large";
    case 415:
      return "Unsupported Media Type";
    case 422:
      return "Unprocessable Entity";
    case 429:
      return "Too Many Requests";
    case 500:
      return "Internal Server Error";
    case 501:
      return "Not Implemented";
    case 502:
      return "Bad Gateway";
    case 503:
      return "Service Unavailable";
    case 504:
      return "Gateway Timeout";
    default:
      return "";
  }
}

std::string kubernetes_status_message(std::string_view body) {
  const nlohmann::json status = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!status.is_object()) return {};
  const auto kind = status.find("kind");
  if (kind == status.end() || !kind->is_string() || kind->get<std::string>() != "Status") {
    return {};
  }
  const auto message = status.find("message");
  if (message == status.end() || !message->is_string()) return {};
  return one_line(message->get<std::string>());
}

std::string status_error(std::string_view what, std::string_view method, long status,
                         std::string_view body, int attempts) {
  const std::string_view reason = http_reason_phrase(status);
  const std::string message = kubernetes_status_message(body);
  return fmt::format("{}: {} answered {}{}{}{}{}", what, method, status, reason.empty() ? "" : " ",
                     reason, attempts_suffix(attempts),
                     message.empty() ? std::string() : ": " + message);
}

std::string transport_error(std::string_view what, std::string_view method, std::string_view server,
                            std::string_view failure, int attempts) {
  return fmt::format("{}: {} to {} failed{}: {}", what, method, server, attempts_suffix(attempts),
                     one_line(failure));
}

}  // namespace sscsi::kube
