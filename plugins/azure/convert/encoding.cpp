#include "convert/encoding.h"

#include <string>

#include "convert/base64.h"
#include "convert/openssl_support.h"

namespace sscsi::azure {
namespace {

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

MountError decode_error(std::string_view encoding, const std::string& detail) {
  return content_error("failed to decode the secret with objectEncoding " + std::string(encoding) +
                       ": " + detail);
}

SecretString decode_hex(std::string_view text) {
  // Go's hex.DecodeString reports a bad digit before an odd length.
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (hex_value(text[i]) < 0) {
      throw decode_error("hex", "invalid hex digit at input byte " + std::to_string(i));
    }
  }
  if (text.size() % 2 != 0) {
    throw decode_error("hex", "odd number of hex digits (" + std::to_string(text.size()) + ")");
  }
  SecretString out = make_secret({});
  out.reserve(text.size() / 2);
  for (std::size_t i = 0; i < text.size(); i += 2) {
    out.push_back(static_cast<char>(hex_value(text[i]) * 16 + hex_value(text[i + 1])));
  }
  return out;
}

}  // namespace

KeyVaultObject::Encoding parse_object_encoding(std::string_view name) {
  if (name.empty() || iequals(name, "utf-8")) return KeyVaultObject::Encoding::Utf8;
  if (iequals(name, "base64")) return KeyVaultObject::Encoding::Base64;
  if (iequals(name, "hex")) return KeyVaultObject::Encoding::Hex;
  throw MountError(SSCSI_INVALID_PARAMETERS,
                   "invalid objectEncoding. Should be utf-8, base64, or hex");
}

SecretString decode_content(std::string_view content, KeyVaultObject::Encoding encoding) {
  switch (encoding) {
    case KeyVaultObject::Encoding::Base64: {
      std::string error;
      auto bytes = decode_base64(content, Base64Alphabet::StdPadded, &error);
      if (!bytes) throw decode_error("base64", error);
      return std::move(*bytes);
    }
    case KeyVaultObject::Encoding::Hex:
      return decode_hex(content);
    case KeyVaultObject::Encoding::Utf8:
      break;
  }
  return make_secret(content);
}

}  // namespace sscsi::azure
