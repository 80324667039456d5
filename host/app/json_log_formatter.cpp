#include "app/json_log_formatter.h"

#include <chrono>
#include <cstdint>
#include <ctime>

#include <fmt/format.h>

namespace sscsi::app {
namespace {

constexpr std::string_view kReplacementCharacter = "\xEF\xBF\xBD";  // U+FFFD, UTF-8

void append(spdlog::memory_buf_t& out, std::string_view text) {
  out.append(text.data(), text.data() + text.size());
}

// The allowed range of the second byte of a sequence starting with `lead` (Unicode Table 3-7),
// and the sequence length. Length 0: `lead` cannot start a sequence.
struct LeadByte {
  int length;
  unsigned char second_min;
  unsigned char second_max;
};

LeadByte classify(unsigned char lead) {
  if (lead >= 0xC2 && lead <= 0xDF) return {2, 0x80, 0xBF};
  if (lead == 0xE0) return {3, 0xA0, 0xBF};  // no overlong forms
  if (lead == 0xED) return {3, 0x80, 0x9F};  // no UTF-16 surrogates
  if (lead >= 0xE1 && lead <= 0xEF) return {3, 0x80, 0xBF};
  if (lead == 0xF0) return {4, 0x90, 0xBF};  // no overlong forms
  if (lead == 0xF4) return {4, 0x80, 0x8F};  // nothing above U+10FFFF
  if (lead >= 0xF1 && lead <= 0xF3) return {4, 0x80, 0xBF};
  return {0, 0, 0};
}

void append_escaped_control(spdlog::memory_buf_t& out, unsigned char c) {
  switch (c) {
    case '\b':
      append(out, "\\b");
      break;
    case '\f':
      append(out, "\\f");
      break;
    case '\n':
      append(out, "\\n");
      break;
    case '\r':
      append(out, "\\r");
      break;
    case '\t':
      append(out, "\\t");
      break;
    default:
      fmt::format_to(std::back_inserter(out), "\\u{:04x}", static_cast<unsigned>(c));
  }
}

void append_utc_timestamp(spdlog::memory_buf_t& out, std::chrono::system_clock::time_point time) {
  const auto since_epoch = time.time_since_epoch();
  const auto seconds = std::chrono::floor<std::chrono::seconds>(since_epoch);
  const auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(since_epoch - seconds);
  const std::time_t whole = static_cast<std::time_t>(seconds.count());
  std::tm utc{};
  gmtime_r(&whole, &utc);
  fmt::format_to(std::back_inserter(out), "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
                 utc.tm_year + 1900, utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min,
                 utc.tm_sec, millis.count());
}

std::string_view level_name(spdlog::level::level_enum level) {
  switch (level) {
    case spdlog::level::trace:
      return "trace";
    case spdlog::level::debug:
      return "debug";
    case spdlog::level::info:
      return "info";
    case spdlog::level::warn:
      return "warn";
    case spdlog::level::err:
      return "error";
    case spdlog::level::critical:
      return "critical";
    default:
      return "off";
  }
}

}  // namespace

void append_json_string(std::string_view text, spdlog::memory_buf_t& out) {
  out.push_back('"');
  const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t size = text.size();
  std::size_t i = 0;
  while (i < size) {
    const unsigned char c = bytes[i];
    if (c < 0x80) {
      if (c == '"') {
        append(out, "\\\"");
      } else if (c == '\\') {
        append(out, "\\\\");
      } else if (c < 0x20 || c == 0x7F) {
        append_escaped_control(out, c);
      } else {
        out.push_back(static_cast<char>(c));
      }
      ++i;
      continue;
    }
    const LeadByte lead = classify(c);
    // Count how many bytes of the sequence are well formed; stop at the first bad one so that
    // it is examined again as the start of the next sequence.
    int valid = lead.length == 0 ? 0 : 1;
    if (valid == 1 && i + 1 < size && bytes[i + 1] >= lead.second_min &&
        bytes[i + 1] <= lead.second_max) {
      valid = 2;
      while (valid < lead.length && i + static_cast<std::size_t>(valid) < size &&
             bytes[i + static_cast<std::size_t>(valid)] >= 0x80 &&
             bytes[i + static_cast<std::size_t>(valid)] <= 0xBF) {
        ++valid;
      }
    }
    if (lead.length != 0 && valid == lead.length) {
      out.append(text.data() + i, text.data() + i + static_cast<std::size_t>(valid));
      i += static_cast<std::size_t>(valid);
    } else {
      append(out, kReplacementCharacter);
      i += static_cast<std::size_t>(valid == 0 ? 1 : valid);
    }
  }
  out.push_back('"');
}

std::string json_string(std::string_view text) {
  spdlog::memory_buf_t out;
  append_json_string(text, out);
  return std::string(out.data(), out.size());
}

void JsonLogFormatter::format(const spdlog::details::log_msg& message, spdlog::memory_buf_t& dest) {
  append(dest, "{\"ts\":\"");
  append_utc_timestamp(dest, message.time);
  append(dest, "\",\"level\":\"");
  append(dest, level_name(message.level));
  append(dest, "\",\"logger\":");
  append_json_string(std::string_view(message.logger_name.data(), message.logger_name.size()),
                     dest);
  append(dest, ",\"msg\":");
  append_json_string(std::string_view(message.payload.data(), message.payload.size()), dest);
  append(dest, "}\n");
}

std::unique_ptr<spdlog::formatter> JsonLogFormatter::clone() const {
  return std::make_unique<JsonLogFormatter>();
}

}  // namespace sscsi::app
