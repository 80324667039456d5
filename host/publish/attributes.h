#pragma once
// What a provider receives about a mount, built exactly as upstream builds it (reference §1.2
// step 10), so that providers written for the upstream driver see the same attributes.

#include <map>
#include <string>

namespace sscsi::publish {

inline constexpr const char* kTokensKey = "csi.storage.k8s.io/serviceAccount.tokens";

// The SecretProviderClass parameters overlaid with every volume_context key (the volume context
// wins), and the service-account tokens taken from the CSI secrets first (kubelets with
// serviceAccountTokenInSecrets put them there), else from the volume context. Returned as a
// compact JSON object of strings. Throws std::invalid_argument naming the key (never the value)
// when a key or value is not valid UTF-8.
std::string attributes_json(const std::map<std::string, std::string>& parameters,
                            const std::map<std::string, std::string>& volume_context,
                            const std::map<std::string, std::string>& secrets);

// The CSI secrets (nodePublishSecretRef contents) as a JSON object of strings; "{}" when empty.
// Throws std::invalid_argument as attributes_json does.
std::string secrets_json(const std::map<std::string, std::string>& secrets);

}  // namespace sscsi::publish
