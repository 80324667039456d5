#pragma once
// Base64 as Go's encoding/base64 does it, because upstream decodes every Key Vault field with Go:
// secret values and `cer` with StdEncoding (padding required, '\r' and '\n' skipped), JWK fields
// with RawURLEncoding (no padding allowed). Errors carry Go's own text ("illegal base64 data at
// input byte N"), which names a position and never a byte of the (possibly secret) input.
// Trailing bits are not checked, as in Go's non-strict encodings.

#include <optional>
#include <string>
#include <string_view>

#include "common/secret_string.h"

namespace sscsi::azure {

enum class Base64Alphabet {
  StdPadded,    // base64.StdEncoding
  UrlUnpadded,  // base64.RawURLEncoding
};

// The decoded bytes, or the Go error text in *error (and std::nullopt).
std::optional<SecretString> decode_base64(std::string_view text, Base64Alphabet alphabet,
                                          std::string* error);

// Standard alphabet with padding, no line breaks.
SecretString encode_base64(std::string_view bytes);

}  // namespace sscsi::azure
