#include "params/go_strings.h"

#include <cstdint>

#include <fmt/format.h>

namespace sscsi::azure {

std::optional<Utf8Rune> decode_utf8(std::string_view text) {
  if (text.empty()) return std::nullopt;
  const auto b0 = static_cast<unsigned char>(text[0]);
  if (b0 < 0x80) return Utf8Rune{b0, 1};
  std::size_t size = 0;
  char32_t value = 0;
  char32_t min = 0;
  if ((b0 & 0xE0) == 0xC0) {
    size = 2, value = b0 & 0x1F, min = 0x80;
  } else if ((b0 & 0xF0) == 0xE0) {
    size = 3, value = b0 & 0x0F, min = 0x800;
  } else if ((b0 & 0xF8) == 0xF0) {
    size = 4, value = b0 & 0x07, min = 0x10000;
  } else {
    return std::nullopt;
  }
  if (text.size() < size) return std::nullopt;
  for (std::size_t i = 1; i < size; ++i) {
    const auto b = static_cast<unsigned char>(text[i]);
    if ((b & 0xC0) != 0x80) return std::nullopt;
    value = (value << 6) | (b & 0x3F);
  }
  if (value < min || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF)) return std::nullopt;
  return Utf8Rune{value, size};
}

namespace {

bool is_go_space(char32_t r) {
  switch (r) {
    case '\t':
    case '\n':
    case '\v':
    case '\f':
    case '\r':
    case ' ':
    case 0x85:
    case 0xA0:
    case 0x1680:
    case 0x2028:
    case 0x2029:
    case 0x202F:
    case 0x205F:
    case 0x3000:
      return true;
    default:
      return r >= 0x2000 && r <= 0x200A;
  }
}

// Characters unicode.IsPrint rejects among valid code points (approximation, see header).
bool is_go_unprintable(char32_t r) {
  if (r < 0x20 || r == 0x7F) return true;
  if (r >= 0x80 && r <= 0xA0) return true;  // C1 controls and NBSP
  if (r == 0xAD) return true;               // soft hyphen (format)
  if (r == 0x61C || r == 0x180E) return true;
  if (r == 0x1680 || (r >= 0x2000 && r <= 0x200F)) return true;
  if (r >= 0x2028 && r <= 0x202F) return true;
  if (r >= 0x205F && r <= 0x206F) return true;
  if (r == 0x3000 || r == 0xFEFF) return true;
  if (r >= 0xE000 && r <= 0xF8FF) return true;    // private use
  if (r >= 0xFFF9 && r <= 0xFFFB) return true;    // interlinear annotations
  if ((r & 0xFFFE) == 0xFFFE) return true;        // noncharacters U+xxFFFE/U+xxFFFF
  if (r >= 0xFDD0 && r <= 0xFDEF) return true;    // noncharacters
  if (r >= 0xE0000 && r <= 0xE007F) return true;  // tags
  return r >= 0xF0000;                            // supplementary private use
}

// Start of the last UTF-8 character of `text` (or of its last byte when that is not UTF-8).
std::size_t last_rune_start(std::string_view text) {
  std::size_t start = text.size() - 1;
  for (std::size_t back = 0; back < 3 && start > 0; ++back) {
    if ((static_cast<unsigned char>(text[start]) & 0xC0) != 0x80) break;
    --start;
  }
  const auto rune = decode_utf8(text.substr(start));
  return rune && start + rune->size == text.size() ? start : text.size() - 1;
}

}  // namespace

std::string_view go_trim_space(std::string_view text) {
  while (!text.empty()) {
    const auto rune = decode_utf8(text);
    if (!rune || !is_go_space(rune->value)) break;
    text.remove_prefix(rune->size);
  }
  while (!text.empty()) {
    const std::size_t start = last_rune_start(text);
    const auto rune = decode_utf8(text.substr(start));
    if (!rune || !is_go_space(rune->value)) break;
    text.remove_suffix(text.size() - start);
  }
  return text;
}

std::string go_quote(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 2);
  out += '"';
  while (!text.empty()) {
    const auto rune = decode_utf8(text);
    if (!rune) {
      out += fmt::format("\\x{:02x}", static_cast<unsigned char>(text[0]));
      text.remove_prefix(1);
      continue;
    }
    const char32_t r = rune->value;
    switch (r) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\a':
        out += "\\a";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\v':
        out += "\\v";
        break;
      default:
        if (!is_go_unprintable(r)) {
          out.append(text.substr(0, rune->size));
        } else if (r < 0x80) {
          out += fmt::format("\\x{:02x}", static_cast<std::uint32_t>(r));
        } else if (r <= 0xFFFF) {
          out += fmt::format("\\u{:04x}", static_cast<std::uint32_t>(r));
        } else {
          out += fmt::format("\\U{:08x}", static_cast<std::uint32_t>(r));
        }
    }
    text.remove_prefix(rune->size);
  }
  out += '"';
  return out;
}

bool go_equal_fold(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i];
    char y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

std::string go_to_upper(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

}  // namespace sscsi::azure
