#pragma once
// Which identity a mount uses and its credentials (reference azure-provider.md §1 steps 4, 5
// and 10, §3): the three use* flags, their mutual exclusion, then the auth config.

#include <optional>
#include <string_view>

#include "params/mount_request.h"
#include "params/string_map_json.h"

namespace sscsi::azure {

struct IdentityFlags {
  bool pod_identity = false;         // usePodIdentity
  bool vm_managed_identity = false;  // useVMManagedIdentity
  bool token_proxy = false;          // useAzureTokenProxy
};

// Steps 4 and 5: parses usePodIdentity, useVMManagedIdentity, useAzureTokenProxy (trimmed, ""
// = false, Go ParseBool otherwise) in that order, then refuses more than one. Throws
// MountError(SSCSI_INVALID_PARAMETERS) with upstream's messages.
IdentityFlags parse_identity_flags(const StringMap& attributes);

// Step 10: sets request.mode and its credentials (assertion_token, sp_client_id,
// sp_client_secret) from the flags, request.client_id, the trimmed serviceAccount.tokens
// attribute and the secrets. Errors are upstream's, wrapped as
// "failed to build auth config for mode <None|PodIdentity|VMManagedIdentity|AzureTokenProxy>: ".
void select_identity(const IdentityFlags& flags, std::string_view service_account_tokens,
                     const std::optional<StringMap>& secrets, MountRequest& request);

}  // namespace sscsi::azure
