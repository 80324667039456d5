#pragma once
// Service-principal credentials from the nodePublishSecretRef Secret (reference
// azure-provider.md §3.1): keys clientid and clientsecret, matched case-insensitively.

#include <optional>

#include "common/secret_string.h"
#include "params/string_map_json.h"

namespace sscsi::azure {

struct SpCredentials {
  SecretString client_id;
  SecretString client_secret;
};

// Throws MountError(SSCSI_INVALID_PARAMETERS) with upstream's causes:
// "failed to get credentials, nodePublishSecretRef secret is not set" (no secrets, or an empty
// map — what the host sends when the volume names no nodePublishSecretRef),
// "could not find clientid in secrets", "could not find clientsecret in secrets". Unlike
// upstream, whose map iteration order picks one at random, two keys that differ only in case
// and carry different values are an error naming the keys. Never quotes a value.
SpCredentials read_sp_credentials(const std::optional<StringMap>& secrets);

}  // namespace sscsi::azure
