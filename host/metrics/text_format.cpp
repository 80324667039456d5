#include "metrics/text_format.h"

#include <fmt/format.h>

#include <cmath>
#include <cstddef>

namespace sscsi::metrics {

std::string escape_help(std::string_view help) {
  std::string out;
  out.reserve(help.size());
  for (char c : help) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
  return out;
}

std::string escape_label_value(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '"')
      out += "\\\"";
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
  return out;
}

std::string format_labels(std::span<const std::string> names, std::span<const std::string> values,
                          std::string_view le) {
  if (names.empty() && le.empty()) return {};
  std::string out = "{";
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += ',';
    out += fmt::format("{}=\"{}\"", names[i], escape_label_value(values[i]));
  }
  if (!le.empty()) out += fmt::format("{}le=\"{}\"", names.empty() ? "" : ",", le);
  out += '}';
  return out;
}

std::string format_value(double value) {
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  if (std::isnan(value)) return "NaN";
  if (value == std::floor(value) && std::fabs(value) < 1e15) {
    return fmt::format("{}", static_cast<long long>(value));
  }
  return fmt::format("{}", value);
}

namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

struct Scanned {
  std::size_t length;  // of the character, or of the maximal subpart when not valid (>= 1)
  bool valid;
};

// The sequence at text[i], by the Unicode Standard's Table 3-7 of well-formed byte sequences.
Scanned scan(std::string_view text, std::size_t i) {
  const auto byte = [&](std::size_t k) -> unsigned {
    return i + k < text.size() ? static_cast<unsigned char>(text[i + k]) : 0x100;
  };
  const unsigned lead = byte(0);
  if (lead < 0x80) return {1, true};
  // The range of the second byte depends on the lead byte; later bytes are 80..BF.
  unsigned low = 0x80;
  unsigned high = 0xBF;
  std::size_t length = 0;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    if (lead == 0xE0) low = 0xA0;   // no overlong forms
    if (lead == 0xED) high = 0x9F;  // no surrogates
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    if (lead == 0xF0) low = 0x90;   // no overlong forms
    if (lead == 0xF4) high = 0x8F;  // nothing above U+10FFFF
  } else {
    return {1, false};  // a continuation byte, C0, C1 or F5..FF
  }
  if (byte(1) < low || byte(1) > high) return {1, false};
  for (std::size_t k = 2; k < length; ++k) {
    if (byte(k) < 0x80 || byte(k) > 0xBF) return {k, false};
  }
  return {length, true};
}

}  // namespace

std::string valid_utf8(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    const Scanned next = scan(text, i);
    if (next.valid) {
      out.append(text.substr(i, next.length));
    } else {
      out.append(kReplacement);
    }
    i += next.length;
  }
  return out;
}

bool is_valid_utf8(std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    const Scanned next = scan(text, i);
    if (!next.valid) return false;
    i += next.length;
  }
  return true;
}

}  // namespace sscsi::metrics
