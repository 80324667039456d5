#pragma once
// Pieces of the Prometheus text exposition format 0.0.4: escaping and number formatting.

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

}  // namespace sscsi::metrics
