#pragma once
// Which versions objectVersionHistory N > 1 mounts (reference §4.4): drop entries without
// attributes or disabled, sort by creation time, newest first, start at the newest (version ""
// or "latest") or at the entry whose version equals the requested one (none found: nothing),
// and take up to N consecutive entries. Entry i of the result becomes "<alias-or-name>/<i>".
//
// Upstream's loop (getLatestNKeyVaultObjects) breaks only once it holds N + 1 entries, so with
// more than N versions it mounts one more than asked; this follows §4.4 and takes N.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "keyvault/keyvault_objects.h"

namespace sscsi::azure {

std::vector<std::string> select_versions(std::vector<VersionEntry> entries,
                                         std::string_view start_version, int32_t history);

}  // namespace sscsi::azure
