#pragma once
// Go's string helpers as upstream uses them, so that trimming and the quoted values inside
// messages match what the Go provider prints.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace sscsi::azure {

struct Utf8Rune {
  char32_t value;
  std::size_t size;  // bytes it takes
};

// The UTF-8 character at the start of `text`; nullopt when the bytes are not UTF-8 (overlong
// forms, surrogates and values above U+10FFFF included) or `text` is empty.
std::optional<Utf8Rune> decode_utf8(std::string_view text);

// strings.TrimSpace: drops leading and trailing Unicode white space (unicode.IsSpace), which is
// more than ASCII: U+0085, U+00A0, U+1680, U+2000–U+200A, U+2028, U+2029, U+202F, U+205F, U+3000.
std::string_view go_trim_space(std::string_view text);

// strconv.Quote / fmt's %q: double quotes, `"` and `\` escaped, \a \b \f \n \r \t \v, other
// control characters as \xNN, bytes that are not UTF-8 as \xNN. Non-ASCII characters are kept
// except the non-printable ones Go escapes (C1 controls, Unicode spaces other than ' ', format
// characters, private use, noncharacters) — a close approximation of unicode.IsPrint.
std::string go_quote(std::string_view text);

// strings.EqualFold for the ASCII words it is used on (pem, pfx, hex, base64, utf-8, clientid,
// clientsecret): ASCII letters compare case-insensitively, every other byte exactly.
bool go_equal_fold(std::string_view a, std::string_view b);

// strings.ToUpper for ASCII letters; other bytes are kept (enough for the cloud names it is
// used on, which are ASCII whenever they can match).
std::string go_to_upper(std::string_view text);

}  // namespace sscsi::azure
