#pragma once
// Pieces of the Prometheus text exposition format 0.0.4: escaping, number formatting and UTF-8.

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace sscsi::metrics {

// HELP text: backslash and newline escaped.
std::string escape_help(std::string_view help);
// Label value: backslash, double quote and newline escaped.
std::string escape_label_value(std::string_view value);
// `{a="x",b="y"}` (empty string when there are no labels); `le`, when given, is appended last.
std::string format_labels(std::span<const std::string> names, std::span<const std::string> values,
                          std::string_view le = {});
// Shortest round-trip decimal form; integers without exponent or fraction.
std::string format_value(double value);

// `text` with every ill-formed UTF-8 sequence replaced by U+FFFD, one replacement per maximal
// subpart (the Unicode Standard's recommended practice, as Python's and ICU's decoders do): a
// character cut short, a stray continuation byte, an overlong form, a surrogate, a code point
// above U+10FFFF. Valid text comes back unchanged. Prometheus refuses a whole scrape over one
// label value that is not valid UTF-8, and label values from plugins may be any bytes.
std::string valid_utf8(std::string_view text);
// Whether `text` is well-formed UTF-8 (valid_utf8 would return it unchanged), without a copy.
bool is_valid_utf8(std::string_view text);

}  // namespace sscsi::metrics
