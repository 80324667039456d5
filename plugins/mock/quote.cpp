#include "quote.h"

#include <array>
#include <cstddef>

namespace sscsi::mock {
namespace {

constexpr std::size_t kMaxQuotedBytes = 128;

bool is_utf8_continuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

}  // namespace

std::string quote(std::string_view text) {
  bool cut = false;
  if (text.size() > kMaxQuotedBytes) {
    std::size_t end = kMaxQuotedBytes;
    while (end > 0 && is_utf8_continuation(text[end])) --end;
    text = text.substr(0, end);
    cut = true;
  }
  static constexpr std::array<char, 16> kHex{'0', '1', '2', '3', '4', '5', '6', '7',
                                             '8', '9', 'a', 'b', 'c', 'd', 'e', 'f'};
  std::string out;
  out.reserve(text.size() + 8);
  out += '"';
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (byte < 0x20 || byte == 0x7F) {
      out += "\\x";
      out += kHex[byte >> 4];
      out += kHex[byte & 0x0F];
    } else {
      out += c;
    }
  }
  out += '"';
  if (cut) out += "...";
  return out;
}

}  // namespace sscsi::mock
