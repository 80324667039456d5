#pragma once
// JSON-lines output for spdlog (--log-format-json): one object per line with "ts", "level",
// "logger" and "msg". Log collectors parse every line, so the escaping must be exact even for
// messages carrying control characters or bytes that are not UTF-8 (e.g. from a plugin).

#include <memory>
#include <string>
#include <string_view>

#include <spdlog/formatter.h>

namespace sscsi::app {

// Appends `text` to `out` as a JSON string literal, quotes included: escapes '"', '\\' and
// every control character (U+0000-U+001F, U+007F), keeps well-formed UTF-8 as is, and replaces
// each ill-formed sequence (stray continuation bytes, overlong forms, surrogates, code points
// above U+10FFFF, truncated sequences) by U+FFFD, one per maximal invalid subpart.
void append_json_string(std::string_view text, spdlog::memory_buf_t& out);

// The same, returned as a std::string.
std::string json_string(std::string_view text);

class JsonLogFormatter final : public spdlog::formatter {
 public:
  // {"ts":"2026-11-29T02:12:01.123Z","level":"info","logger":"host","msg":"…"}\n
  void format(const spdlog::details::log_msg& message, spdlog::memory_buf_t& dest) override;
  std::unique_ptr<spdlog::formatter> clone() const override;
};

}  // namespace sscsi::app
