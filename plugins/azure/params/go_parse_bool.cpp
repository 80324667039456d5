#include "params/go_parse_bool.h"

#include <array>

#include "params/go_strings.h"

namespace sscsi::azure {

std::optional<bool> go_parse_bool(std::string_view text) {
  static constexpr std::array<std::string_view, 6> kTrue{"1", "t", "T", "TRUE", "true", "True"};
  static constexpr std::array<std::string_view, 6> kFalse{"0", "f", "F", "FALSE", "false", "False"};
  for (const auto word : kTrue) {
    if (text == word) return true;
  }
  for (const auto word : kFalse) {
    if (text == word) return false;
  }
  return std::nullopt;
}

std::string go_parse_bool_error(std::string_view text) {
  return "strconv.ParseBool: parsing " + go_quote(text) + ": invalid syntax";
}

}  // namespace sscsi::azure
