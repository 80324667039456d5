#pragma once
// The csi.storage.k8s.io/serviceAccount.tokens attribute: the JSON the kubelet builds from the
// CSIDriver's tokenRequests, {"<audience>":{"token":"<jwt>","expirationTimestamp":"..."},...}
// (reference azure-provider.md §1, §3.3, §3.4).

#include <string_view>

#include "common/secret_string.h"

namespace sscsi::azure {

inline constexpr std::string_view kWorkloadIdentityAudience = "api://AzureADTokenExchange";
inline constexpr std::string_view kIdentityBindingAudience = "api://AKSIdentityBinding";

// The token for `audience`. Throws MountError(SSCSI_INVALID_PARAMETERS) with upstream's causes
// (its ParseServiceAccountToken): "service account tokens not found" when `tokens_json` is
// empty, "failed to unmarshal service account tokens, error: ..." when it is not a JSON object,
// "token for audience <audience> not found" when the audience is absent or has no string
// token. Never quotes the JSON.
SecretString parse_service_account_token(std::string_view tokens_json, std::string_view audience);

}  // namespace sscsi::azure
