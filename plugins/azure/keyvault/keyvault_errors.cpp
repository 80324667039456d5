#include "keyvault/keyvault_errors.h"

#include <algorithm>
#include <cstdint>

#include <fmt/format.h>

#include "http/secret_json.h"
#include "identity/token_answer.h"

namespace sscsi::azure {
namespace {

// "SecretNotFound: A secret with (name/id) x was not found in this key vault."
std::string error_detail(const SecretString& body) {
  const auto parsed = parse_secret_json(view(body));
  if (parsed.value && parsed.value->is_object()) {
    const auto error = parsed.value->find(SecretString("error"));
    if (error != parsed.value->end() && error->is_object()) {
      const SecretString* code = json_string(*error, "code");
      const SecretString* message = json_string(*error, "message");
      std::string text = code != nullptr ? std::string(view(*code)) : std::string();
      if (message != nullptr) {
        std::string_view first = view(*message);
        first = first.substr(0, first.find_first_of("\r\n"));
        text += text.empty() ? std::string(first) : ": " + std::string(first);
      }
      if (!text.empty()) return sanitize_error_text(text);
    }
  }
  return "no Key Vault error in the answer";
}

std::string attempts(const HttpResponse& response) {
  return response.attempts > 1 ? fmt::format(", after {} attempts", response.attempts) : "";
}

std::uint32_t retry_ms(const HttpResponse& response) {
  if (!response.retry_after) return 0;
  return static_cast<std::uint32_t>(std::min<int64_t>(response.retry_after->count(), UINT32_MAX));
}

}  // namespace

MountError keyvault_error(const HttpResponse& response, std::string_view what,
                          std::string_view vault_host) {
  if (response.failure == TransportFailure::Cancelled) {
    return MountError(SSCSI_DEADLINE_EXCEEDED,
                      fmt::format("{} from vault {}: {}", what, vault_host, response.failure_text));
  }
  if (!response.answered()) {
    return MountError(
        SSCSI_UNAVAILABLE,
        fmt::format(
            "could not reach vault {} for {}: {}{}", vault_host, what, response.failure_text,
            response.attempts > 1 ? fmt::format(" (after {} attempts)", response.attempts) : ""));
  }
  const long status = response.status;
  const std::string detail = error_detail(response.body);
  if (status == 404) {
    return MountError(SSCSI_NOT_FOUND,
                      fmt::format("{} not found in vault {}: {}", what, vault_host, detail));
  }
  if (status == 401 || status == 403) {
    return MountError(SSCSI_UNAUTHORIZED,
                      fmt::format("access to {} in vault {} was refused (HTTP {}): {}", what,
                                  vault_host, status, detail));
  }
  const std::string wait = response.retry_after ? fmt::format("; the vault asked to wait {} ms",
                                                              response.retry_after->count())
                                                : "";
  if (status == 429) {
    return MountError(SSCSI_THROTTLED,
                      fmt::format("vault {} throttled the request for {} (HTTP 429{}): {}{}",
                                  vault_host, what, attempts(response), detail, wait),
                      retry_ms(response));
  }
  if (status >= 500 || status == 408) {
    return MountError(SSCSI_UNAVAILABLE,
                      fmt::format("vault {} failed the request for {} (HTTP {}{}): {}{}",
                                  vault_host, what, status, attempts(response), detail, wait),
                      retry_ms(response));
  }
  if (status >= 400) {
    return MountError(SSCSI_INVALID_PARAMETERS,
                      fmt::format("vault {} refused the request for {} (HTTP {}): {}", vault_host,
                                  what, status, detail));
  }
  return MountError(SSCSI_UNAVAILABLE, fmt::format("vault {} answered the request for {} with "
                                                   "HTTP {}",
                                                   vault_host, what, status));
}

}  // namespace sscsi::azure
