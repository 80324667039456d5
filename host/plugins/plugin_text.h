#pragma once
// Makes text that came from a plugin (log lines, error messages, names in refusals) safe to
// write: token-like strings redacted, control characters escaped so that it stays one line, and
// the length bounded.

#include <cstddef>
#include <string>
#include <string_view>

namespace sscsi::plugins {

inline constexpr std::size_t kMaxPluginTextBytes = 4096;

// Redacts (see redaction.h), then escapes '\n', '\r', '\t' and other control bytes as \n, \r,
// \t, \xNN, then cuts at kMaxPluginTextBytes with a marker. Redaction runs first so that
// cutting can never expose part of a token.
std::string clean_plugin_text(std::string_view text);

// Escapes control bytes and shortens to `max_bytes` (with "…"), without redacting: for values
// the host shows back to the operator, such as a refused file path or provider name.
std::string printable(std::string_view text, std::size_t max_bytes = 256);

}  // namespace sscsi::plugins
