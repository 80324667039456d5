#pragma once
// Rules for an object's output path (alias, else name; reference azure-provider.md §2).

#include <cstdint>
#include <string_view>

namespace sscsi::azure {

// Upstream's validateFileName, same order and causes: "file name must not be empty",
// "file name must be a relative path", "file name must not contain '..'" (a '..' element, or
// '..' anywhere, so "a..b" too). Throws MountError(SSCSI_INVALID_PARAMETERS) with the cause.
void validate_file_name(std::string_view file_name);

// Ours, after upstream's rules pass: the path (with "/<index>" appended for version history)
// must be what the host accepts as is — no NUL, no trailing '/', no empty or '.' element, at
// most 255 bytes per element and 4096 in all. Upstream leaves these to the driver, which
// refuses such paths only after every object was fetched. Throws MountError with the cause.
void check_clean_file_name(std::string_view file_name, std::int32_t version_history);

}  // namespace sscsi::azure
