#pragma once
// An object's filePermission field: an octal string such as "0640" (as Go's
// strconv.ParseUint(s, 8, 32) reads it upstream), limited to permission bits.

#include <cstdint>
#include <string_view>
#include <variant>

namespace sscsi::mock {

enum class FileModeProblem {
  kNotOctal,  // empty, or a character other than 0-7
  kTooLarge,  // octal, but above 0777 (setuid, setgid, sticky and type bits are not allowed)
};

std::variant<std::uint32_t, FileModeProblem> parse_file_mode(std::string_view text);

}  // namespace sscsi::mock
