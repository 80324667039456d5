#pragma once
// Replaces token-like strings with [REDACTED] in text that a plugin hands to the host (log lines,
// error messages) before the host writes it anywhere. Plugins are told never to put secrets in
// messages; this catches the common accidents: a JWT, an `Authorization: Bearer …` header, a
// JSON body or form field such as "access_token":"…" or client_secret=….
//
// It is a hand-written scanner (linear time, no std::regex) because the input is untrusted and
// may be long.

#include <string>
#include <string_view>

namespace sscsi::plugins {

inline constexpr std::string_view kRedacted = "[REDACTED]";

std::string redact_secrets(std::string_view text);

// Whether a field name (e.g. "access_token", "clientSecret", "AccountKey") names a credential.
// Case, '_', '-' and '.' are ignored.
bool is_secret_field_name(std::string_view name);

}  // namespace sscsi::plugins
