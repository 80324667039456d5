#pragma once
// filePermission (reference azure-provider.md §2): an octal string such as "0600" or "600".

#include <cstdint>
#include <string_view>

namespace sscsi::azure {

// "" gives `default_mode`. Otherwise only octal digits are accepted and the value must fit the
// permission bits (at most 0777). Deliberately unlike upstream, which logs the parse error and
// writes the file with mode 0: here a bad value fails the mount, before any request, with
// upstream's helper text "file permission must be a valid octal number: strconv.ParseInt:
// parsing "<v>": invalid syntax" (or ": value out of range" past 32 bits), and a value above
// 0777 (setuid, sticky, ...) is refused too. Throws MountError(SSCSI_INVALID_PARAMETERS).
std::uint32_t parse_file_permission(std::string_view text, std::uint32_t default_mode);

}  // namespace sscsi::azure
