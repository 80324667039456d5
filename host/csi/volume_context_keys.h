#pragma once
// volume_context keys the kubelet sends for an inline secrets-store volume (podInfoOnMount and
// tokenRequests on the CSIDriver object) and that the SecretProviderClass path reads. Spelled
// exactly as upstream, since providers receive them unchanged.

#include <string_view>

namespace sscsi::csi::keys {

inline constexpr std::string_view kSecretProviderClass = "secretProviderClass";
inline constexpr std::string_view kPodName = "csi.storage.k8s.io/pod.name";
inline constexpr std::string_view kPodNamespace = "csi.storage.k8s.io/pod.namespace";
inline constexpr std::string_view kPodUid = "csi.storage.k8s.io/pod.uid";
inline constexpr std::string_view kServiceAccountName = "csi.storage.k8s.io/serviceAccount.name";
// JSON {"<audience>":{"token":…,"expirationTimestamp":…}}: a credential, never logged.
inline constexpr std::string_view kServiceAccountTokens =
    "csi.storage.k8s.io/serviceAccount.tokens";
inline constexpr std::string_view kEphemeral = "csi.storage.k8s.io/ephemeral";

}  // namespace sscsi::csi::keys
