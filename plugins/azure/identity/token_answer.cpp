#include "identity/token_answer.h"

#include <algorithm>
#include <cmath>
#include <cstdint>

#include <fmt/format.h>

#include "http/retry_policy.h"
#include "http/secret_json.h"

namespace sscsi::azure {
namespace {

using std::chrono::system_clock;

bool base64url_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_' || c == '.' || c == '=';
}

// Entra ID and IMDS tokens live at most 24 hours. A token answer claiming a later expiry is
// taken to expire 24 hours from now: believing "999999999999999" or 1e300 would keep a token
// (perhaps revoked long since) for ever, and such values overflow std::chrono's nanosecond
// clock. Clamping instead of refusing keeps the mount working; it can only make the cache
// fetch a new token sooner than the server said, which is always safe.
constexpr std::chrono::hours kMaxTokenLifetime{24};

// Seconds from a JSON number (integer or float) or a numeric string ("3599", "1700000000"),
// as a double: every such value fits one without overflow, and precision is exact up to 2^53
// (far beyond any real time), so the clamping below never casts an out-of-range double.
std::optional<double> json_seconds(const SecretJson& object, std::string_view name) {
  if (!object.is_object()) return std::nullopt;
  const auto found = object.find(SecretString(name.data(), name.size()));
  if (found == object.end()) return std::nullopt;
  if (found->is_number()) return found->get<double>();
  if (!found->is_string()) return std::nullopt;
  const SecretString& text = found->get_ref<const SecretString&>();
  if (text.empty() || text.size() > 15) return std::nullopt;
  double value = 0;
  for (const char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  return value;
}

// The time point `epoch_seconds` after 1970, clamped to [1970, now + kMaxTokenLifetime].
system_clock::time_point bounded_expiry(double epoch_seconds, system_clock::time_point now) {
  const system_clock::time_point latest = now + kMaxTokenLifetime;
  const double latest_seconds = static_cast<double>(
      std::chrono::duration_cast<std::chrono::seconds>(latest.time_since_epoch()).count());
  if (std::isnan(epoch_seconds) || epoch_seconds <= 0) return system_clock::time_point();
  if (epoch_seconds >= latest_seconds) return latest;
  return system_clock::time_point(std::chrono::seconds(static_cast<int64_t>(epoch_seconds)));
}

// `now` plus `lifetime_seconds`, clamped to [1970, now + kMaxTokenLifetime] likewise.
system_clock::time_point expiry_after(double lifetime_seconds, system_clock::time_point now) {
  const double now_seconds = static_cast<double>(
      std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count());
  if (std::isnan(lifetime_seconds) || lifetime_seconds <= -now_seconds) {
    return system_clock::time_point();
  }
  if (lifetime_seconds >= std::chrono::seconds(kMaxTokenLifetime).count()) {
    return now + kMaxTokenLifetime;
  }
  return now + std::chrono::seconds(static_cast<int64_t>(lifetime_seconds));
}

SecretJson parse_or_throw(const SecretString& body, std::string_view what) {
  auto parsed = parse_secret_json(view(body));
  if (!parsed.value) {
    throw MountError(SSCSI_UNAVAILABLE,
                     fmt::format("{}: the answer is not JSON ({})", what, parsed.error));
  }
  if (!parsed.value->is_object()) {
    throw MountError(SSCSI_UNAVAILABLE, fmt::format("{}: the answer is not a JSON object", what));
  }
  return std::move(*parsed.value);
}

std::string first_line(std::string_view text) {
  const std::size_t end = text.find_first_of("\r\n");
  return std::string(end == std::string_view::npos ? text : text.substr(0, end));
}

// "invalid_client: AADSTS7000215: Invalid client secret provided." from an OAuth error body;
// "" when the body is not one.
std::string oauth_error(const SecretString& body, std::string* code) {
  const auto parsed = parse_secret_json(view(body));
  if (!parsed.value || !parsed.value->is_object()) return {};
  std::string error;
  if (const SecretString* value = json_string(*parsed.value, "error")) {
    error = std::string(view(*value));
  } else if (parsed.value->contains("error") && (*parsed.value)["error"].is_object()) {
    // Some endpoints (and Key Vault-style proxies) nest {"error":{"code","message"}}.
    const SecretJson& nested = (*parsed.value)["error"];
    if (const SecretString* nested_code = json_string(nested, "code")) {
      error = std::string(view(*nested_code));
    }
    if (const SecretString* message = json_string(nested, "message")) {
      if (code != nullptr) *code = error;
      return sanitize_error_text(error.empty() ? first_line(view(*message))
                                               : error + ": " + first_line(view(*message)));
    }
  }
  if (code != nullptr) *code = error;
  std::string description;
  if (const SecretString* value = json_string(*parsed.value, "error_description")) {
    description = first_line(view(*value));
  }
  if (error.empty()) return sanitize_error_text(description);
  if (description.empty()) return sanitize_error_text(error);
  return sanitize_error_text(error + ": " + description);
}

std::string retry_hint(const HttpResponse& response) {
  if (!response.retry_after) return {};
  return fmt::format("; the server asked to wait {} ms", response.retry_after->count());
}

std::uint32_t retry_ms(const HttpResponse& response) {
  // NMI is asked without RetryingTransport, so nothing has read its Retry-After yet.
  const auto wait = response.retry_after
                        ? response.retry_after
                        : server_retry_after(response, std::chrono::system_clock::now());
  if (!wait) return 0;
  return static_cast<std::uint32_t>(std::min<int64_t>(wait->count(), UINT32_MAX));
}

std::string attempts_text(const HttpResponse& response) {
  return response.attempts > 1 ? fmt::format(" (after {} attempts)", response.attempts) : "";
}

}  // namespace

std::string sanitize_error_text(std::string_view text, std::size_t max) {
  std::string out;
  out.reserve(std::min(text.size(), max));
  for (std::size_t i = 0; i < text.size() && out.size() < max;) {
    if (text.compare(i, 3, "eyJ") == 0) {
      std::size_t end = i;
      while (end < text.size() && base64url_char(text[end])) ++end;
      if (end - i >= 16) {
        out += "[redacted]";
        i = end;
        continue;
      }
    }
    const char c = text[i];
    out.push_back(static_cast<unsigned char>(c) < 0x20 || c == 0x7f ? ' ' : c);
    ++i;
  }
  return out;
}

AccessToken parse_token_answer(const SecretString& body, std::string_view what,
                               system_clock::time_point now) {
  const SecretJson answer = parse_or_throw(body, what);
  const SecretString* token = json_string(answer, "access_token");
  if (token == nullptr || token->empty()) {
    throw MountError(SSCSI_UNAVAILABLE, fmt::format("{}: the answer has no access_token", what));
  }
  AccessToken result;
  result.token = make_secret(view(*token));
  if (const auto on = json_seconds(answer, "expires_on")) {
    result.expires_on = bounded_expiry(*on, now);
  } else if (const auto in = json_seconds(answer, "expires_in")) {
    result.expires_on = expiry_after(*in, now);
  } else {
    result.expires_on = now;
  }
  return result;
}

AccessToken parse_nmi_answer(const SecretString& body, system_clock::time_point now) {
  const auto parsed = parse_secret_json(view(body));
  const MountError missing(SSCSI_UNAVAILABLE,
                           "nmi did not return expected values in response: token and clientid");
  if (!parsed.value || !parsed.value->is_object()) throw missing;
  const SecretJson& answer = *parsed.value;
  const auto token_object = answer.find(SecretString("token"));
  const SecretString* client_id = json_string(answer, "clientid");
  if (token_object == answer.end() || !token_object->is_object() || client_id == nullptr) {
    throw missing;
  }
  const SecretString* token = json_string(*token_object, "access_token");
  if (token == nullptr || token->empty()) throw missing;
  AccessToken result;
  result.token = make_secret(view(*token));
  const auto on = json_seconds(*token_object, "expires_on");
  result.expires_on =
      on ? bounded_expiry(*on, now) : system_clock::time_point();  // unparseable: already expired
  return result;
}

MountError token_request_error(TokenService service, std::string_view what,
                               const HttpResponse& response) {
  if (response.failure == TransportFailure::Cancelled) {
    return MountError(SSCSI_DEADLINE_EXCEEDED, fmt::format("{}: {}", what, response.failure_text));
  }
  if (!response.answered()) {
    return MountError(
        SSCSI_UNAVAILABLE,
        fmt::format("{}: no answer: {}{}", what, response.failure_text, attempts_text(response)));
  }
  const long status = response.status;
  if (service == TokenService::Nmi) {
    const sscsi_status code = status == 429                                     ? SSCSI_THROTTLED
                              : status == 401 || status == 403 || status == 404 ? SSCSI_UNAUTHORIZED
                                                                                : SSCSI_UNAVAILABLE;
    return MountError(code,
                      fmt::format("nmi response failed with status code: {}, response body: {}",
                                  status, sanitize_error_text(view(response.body), 1024)),
                      code == SSCSI_THROTTLED ? retry_ms(response) : 0);
  }
  std::string code_name;
  std::string detail = oauth_error(response.body, &code_name);
  if (detail.empty()) detail = "no OAuth error in the answer";
  const std::string text = fmt::format("{}: HTTP {}: {}{}{}", what, status, detail,
                                       attempts_text(response), retry_hint(response));
  if (status == 429) return MountError(SSCSI_THROTTLED, text, retry_ms(response));
  if (status >= 500 || status == 408) {
    return MountError(SSCSI_UNAVAILABLE, text, retry_ms(response));
  }
  if (status == 401 || status == 403) return MountError(SSCSI_UNAUTHORIZED, text);
  if (status == 400 && service == TokenService::EntraId &&
      (code_name == "invalid_client" || code_name == "unauthorized_client" ||
       code_name == "invalid_grant")) {
    return MountError(SSCSI_UNAUTHORIZED, text);
  }
  if (status >= 400) return MountError(SSCSI_INVALID_PARAMETERS, text);
  return MountError(SSCSI_UNAVAILABLE, text);
}

}  // namespace sscsi::azure
