#include "kube/client/base64.h"

#include <array>
#include <cstdint>

namespace sscsi::kube {
namespace {

constexpr std::array<std::int8_t, 256> make_table() {
  std::array<std::int8_t, 256> table{};
  for (auto& entry : table) entry = -1;
  constexpr std::string_view alphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  for (std::size_t i = 0; i < alphabet.size(); ++i) {
    table[static_cast<unsigned char>(alphabet[i])] = static_cast<std::int8_t>(i);
  }
  return table;
}

constexpr auto kTable = make_table();

bool is_space(char c) { return c == '\n' || c == '\r' || c == ' ' || c == '\t'; }

}  // namespace

std::optional<std::string> decode_base64(std::string_view text) {
  std::string out;
  out.reserve(text.size() / 4 * 3);
  std::uint32_t group = 0;
  int symbols = 0;  // symbols collected in the current group of four
  int padding = 0;  // '=' seen; only allowed at the end
  for (const char c : text) {
    if (is_space(c)) continue;
    if (c == '=') {
      // "xx==" or "xxx=": padding completes a group of at least two symbols.
      if (symbols + padding < 2) return std::nullopt;
      ++padding;
      if (symbols + padding > 4) return std::nullopt;
      continue;
    }
    if (padding > 0) return std::nullopt;  // data after padding
    const std::int8_t value = kTable[static_cast<unsigned char>(c)];
    if (value < 0) return std::nullopt;
    group = (group << 6) | static_cast<std::uint32_t>(value);
    if (++symbols == 4) {
      out.push_back(static_cast<char>((group >> 16) & 0xff));
      out.push_back(static_cast<char>((group >> 8) & 0xff));
      out.push_back(static_cast<char>(group & 0xff));
      group = 0;
      symbols = 0;
    }
  }
  if (padding > 0) {
    if (symbols + padding != 4) return std::nullopt;
    if (symbols == 2) {
      if ((group & 0xf) != 0) return std::nullopt;  // non-canonical trailing bits
      out.push_back(static_cast<char>((group >> 4) & 0xff));
    } else {
      if ((group & 0x3) != 0) return std::nullopt;
      out.push_back(static_cast<char>((group >> 10) & 0xff));
      out.push_back(static_cast<char>((group >> 2) & 0xff));
    }
    return out;
  }
  if (symbols != 0) return std::nullopt;  // unpadded trailing group
  return out;
}

}  // namespace sscsi::kube
