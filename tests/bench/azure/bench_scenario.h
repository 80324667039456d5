#pragma once
// What both sides of the Azure benchmark mount: one vault, one tenant, one workload identity
// (a service account of the namespace "bench"), and classes of N secrets. Ours gets these as a
// SecretProviderClass's parameters, upstream as the attributes its driver would send.

#include <chrono>
#include <map>
#include <string>

namespace sscsi::bench::azure {

inline constexpr const char* kVault = "azbench";
inline constexpr const char* kVaultHost = "azbench.vault.azure.net";
inline constexpr const char* kLoginHost = "login.microsoftonline.com";
inline constexpr const char* kTenant = "72f988bf-0000-4000-8000-00000000be0c";
inline constexpr const char* kClientId = "a1b2c3d4-0000-4000-8000-00000000be0c";
inline constexpr const char* kNamespace = "bench";
inline constexpr const char* kServiceAccount = "default";  // what sscsi-ctl's requests name
inline constexpr const char* kWorkloadAudience = "api://AzureADTokenExchange";

// "system:serviceaccount:bench:default", the federated credential's subject.
std::string workload_subject();

// The name of secret `index` (1-based) in the vault: s01, s02, …
std::string secret_name(int index);

// The `objects` parameter (YAML in YAML) naming secrets 1..count.
std::string objects_yaml(int count);

// The class's parameters: workload identity (clientID), tenant, vault, objects of 1..count.
std::map<std::string, std::string> class_parameters(int count);

// csi.storage.k8s.io/serviceAccount.tokens as the kubelet sends it: an unsigned JWT for the
// workload audience naming this pod (so every pod's token differs, as a kubelet's do).
std::string service_account_tokens(const std::string& pod_name, const std::string& pod_uid);

}  // namespace sscsi::bench::azure
