#include "convert/base64.h"

#include <array>
#include <cstdint>

namespace sscsi::azure {
namespace {

constexpr char kStdChars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr char kUrlChars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
constexpr uint8_t kInvalid = 0xff;

std::array<uint8_t, 256> make_decode_map(const char* chars) {
  std::array<uint8_t, 256> map{};
  map.fill(kInvalid);
  for (uint8_t i = 0; i < 64; ++i) map[static_cast<unsigned char>(chars[i])] = i;
  return map;
}

const std::array<uint8_t, 256>& decode_map(Base64Alphabet alphabet) {
  static const auto std_map = make_decode_map(kStdChars);
  static const auto url_map = make_decode_map(kUrlChars);
  return alphabet == Base64Alphabet::StdPadded ? std_map : url_map;
}

bool is_newline(char c) { return c == '\n' || c == '\r'; }

std::string corrupt_at(std::size_t offset) {
  return "illegal base64 data at input byte " + std::to_string(offset);
}

// One 4-character quantum, a transcription of Go's Encoding.decodeQuantum so that the accepted
// inputs and the reported offsets are the same. Returns false with *error set on bad input; sets
// *done when the input is exhausted.
bool decode_quantum(std::string_view src, std::size_t& si, bool padded,
                    const std::array<uint8_t, 256>& map, SecretString& out, bool& done,
                    std::string* error) {
  std::array<uint8_t, 4> dbuf{};
  std::size_t dlen = 4;
  for (std::size_t j = 0; j < dbuf.size(); ++j) {
    if (src.size() == si) {
      if (j == 0) {
        done = true;
        return true;
      }
      if (j == 1 || padded) {
        *error = corrupt_at(si - j);
        return false;
      }
      dlen = j;
      done = true;
      break;
    }
    const char in = src[si];
    ++si;
    const uint8_t value = map[static_cast<unsigned char>(in)];
    if (value != kInvalid) {
      dbuf[j] = value;
      continue;
    }
    if (is_newline(in)) {
      --j;
      continue;
    }
    if (!padded || in != '=') {
      *error = corrupt_at(si - 1);
      return false;
    }
    // Padding: it must end the input (newlines aside).
    if (j == 0 || j == 1) {
      *error = corrupt_at(si - 1);
      return false;
    }
    if (j == 2) {
      while (si < src.size() && is_newline(src[si])) ++si;
      if (si == src.size()) {
        *error = corrupt_at(src.size());
        return false;
      }
      if (src[si] != '=') {
        *error = corrupt_at(si - 1);
        return false;
      }
      ++si;
    }
    while (si < src.size() && is_newline(src[si])) ++si;
    if (si < src.size()) {
      *error = corrupt_at(si);
      return false;
    }
    dlen = j;
    done = true;
    break;
  }
  const uint32_t val = (uint32_t{dbuf[0]} << 18) | (uint32_t{dbuf[1]} << 12) |
                       (uint32_t{dbuf[2]} << 6) | uint32_t{dbuf[3]};
  const char bytes[3] = {static_cast<char>(val >> 16), static_cast<char>(val >> 8),
                         static_cast<char>(val)};
  out.append(bytes, dlen - 1);
  return true;
}

}  // namespace

std::optional<SecretString> decode_base64(std::string_view text, Base64Alphabet alphabet,
                                          std::string* error) {
  const auto& map = decode_map(alphabet);
  const bool padded = alphabet == Base64Alphabet::StdPadded;
  SecretString out = make_secret({});
  out.reserve(text.size() / 4 * 3 + 3);
  std::size_t si = 0;
  bool done = false;
  while (!done) {
    if (!decode_quantum(text, si, padded, map, out, done, error)) return std::nullopt;
  }
  return out;
}

SecretString encode_base64(std::string_view bytes) {
  SecretString out = make_secret({});
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const uint32_t v = (uint32_t{static_cast<unsigned char>(bytes[i])} << 16) |
                       (uint32_t{static_cast<unsigned char>(bytes[i + 1])} << 8) |
                       uint32_t{static_cast<unsigned char>(bytes[i + 2])};
    out.push_back(kStdChars[(v >> 18) & 63]);
    out.push_back(kStdChars[(v >> 12) & 63]);
    out.push_back(kStdChars[(v >> 6) & 63]);
    out.push_back(kStdChars[v & 63]);
  }
  const std::size_t rest = bytes.size() - i;
  if (rest > 0) {
    uint32_t v = uint32_t{static_cast<unsigned char>(bytes[i])} << 16;
    if (rest == 2) v |= uint32_t{static_cast<unsigned char>(bytes[i + 1])} << 8;
    out.push_back(kStdChars[(v >> 18) & 63]);
    out.push_back(kStdChars[(v >> 12) & 63]);
    out.push_back(rest == 2 ? kStdChars[(v >> 6) & 63] : '=');
    out.push_back('=');
  }
  return out;
}

}  // namespace sscsi::azure
