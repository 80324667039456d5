#pragma once
// Cross-check between the Azure plugin's `objects` validation and the host's answer rules: every
// object the plugin accepts must write paths and modes that host/mount accepts as they are, with
// no two objects colliding. Otherwise the mount would fail only after every object was fetched,
// reported as a plugin contract violation instead of a SecretProviderClass error.

#include <string_view>
#include <vector>

#include "params/mount_request.h"

namespace sscsi::fuzz {

// Calls fuzz_fail naming `target` on the first path, mode or collision the host would refuse.
void check_objects_host_valid(std::string_view target,
                              const std::vector<azure::KeyVaultObject>& objects);

}  // namespace sscsi::fuzz
