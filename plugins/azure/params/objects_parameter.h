#pragma once
// The `objects` parameter, from text to validated objects (reference azure-provider.md §1 steps
// 11–13 and §2), with this plugin's extra up-front checks.

#include <cstdint>
#include <string_view>
#include <vector>

#include "params/mount_request.h"

namespace sscsi::azure {

// In order, first failure wins (MountError, SSCSI_INVALID_PARAMETERS):
// 1. empty after trimming → "objects is not set";
// 2. the outer YAML, then each element's YAML (upstream's messages);
// 3. at most kMaxObjects elements;
// 4. upstream's validation of every object (format, encoding, file name), wrapped as
//    "failed to get objectType:<t>, objectName:<n>, objectVersion:<v>: <cause>";
// 5. then ours for every object, wrapped the same way: objectType, a clean file name,
//    filePermission, objectVersionHistory ≤ kMaxVersionHistory;
// 6. no two objects writing the same file (check_output_paths).
// Upstream reports its own errors before any of ours, so a request it refuses is refused here
// with the same message.
std::vector<KeyVaultObject> parse_objects_parameter(std::string_view objects,
                                                    std::uint32_t default_file_mode);

}  // namespace sscsi::azure
