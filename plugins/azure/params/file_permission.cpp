#include "params/file_permission.h"

#include <string>

#include "common/mount_error.h"
#include "params/go_strings.h"

namespace sscsi::azure {

std::uint32_t parse_file_permission(std::string_view text, std::uint32_t default_mode) {
  if (text.empty()) return default_mode;
  const std::string prefix =
      "file permission must be a valid octal number: strconv.ParseInt: parsing " + go_quote(text);
  std::uint64_t value = 0;
  bool out_of_range = false;
  for (const char c : text) {
    if (c < '0' || c > '7') throw invalid_parameters(prefix + ": invalid syntax");
    // Keep scanning past an overflow: a later non-octal digit is still "invalid syntax".
    if (!out_of_range) {
      value = value * 8 + static_cast<std::uint64_t>(c - '0');
      out_of_range = value > 0x7FFFFFFF;  // ParseInt(text, 8, 32)
    }
  }
  if (out_of_range) throw invalid_parameters(prefix + ": value out of range");
  if (value > 0777) {
    throw invalid_parameters("file permission " + go_quote(text) +
                             " is not allowed: only the permission bits (at most 0777) can be set");
  }
  return static_cast<std::uint32_t>(value);
}

}  // namespace sscsi::azure
