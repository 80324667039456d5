#pragma once
// One mount's request as the Azure provider understands it: the SecretProviderClass parameters
// and pod attributes of reference azure-provider.md §1, the objects of §2 and the
// nodePublishSecretRef credentials of §3.1, parsed, trimmed and validated in upstream's order
// before any network call.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/secret_string.h"

namespace sscsi::azure {

enum class IdentityMode {
  WorkloadIdentity,   // clientID + SA token for api://AzureADTokenExchange (§3.3)
  ServicePrincipal,   // clientid/clientsecret from nodePublishSecretRef (§3.1)
  VmManagedIdentity,  // IMDS, system- or user-assigned (§3.2)
  PodIdentity,        // NMI (§3.5), deprecated
  IdentityBinding,    // useAzureTokenProxy (§3.4)
};

// Upstream's name for the mode in "failed to build auth config for mode <X>" messages.
std::string_view upstream_mode_name(IdentityMode mode);

enum class ObjectType { Secret, Key, Cert };
std::string_view object_type_name(ObjectType type);  // "secret" | "key" | "cert"

// One entry of `objects`, trimmed and validated (§2).
struct KeyVaultObject {
  std::string name;   // objectName
  std::string alias;  // objectAlias ("" = none)
  ObjectType type = ObjectType::Secret;
  std::string version;          // objectVersion ("" = latest)
  int32_t version_history = 0;  // objectVersionHistory (<= 1 = single version)
  bool pfx = false;  // objectFormat is pfx (case-insensitive); only meaningful for secrets
  enum class Encoding { Utf8, Hex, Base64 } encoding = Encoding::Utf8;  // objectEncoding
  uint32_t mode = 0644;  // filePermission, else the request's default mode

  // alias if set, else name: the output path relative to the volume (§2).
  const std::string& file_name() const { return alias.empty() ? name : alias; }
  // "<type>/<name>" — the object version id (§6); version-history entries append "/<i>".
  std::string uid() const;
};

struct MountRequest {
  std::string pod_name;
  std::string pod_namespace;
  std::string service_account_name;  // csi.storage.k8s.io/serviceAccount.name ("" if absent)
  IdentityMode mode = IdentityMode::ServicePrincipal;
  std::string keyvault_name;
  std::string tenant_id;
  std::string cloud_name;                 // as given ("" = the plugin's configured default)
  std::string cloud_env_file;             // cloudEnvFileName
  std::string user_assigned_identity_id;  // userAssignedIdentityID (VM MI only)
  std::string client_id;                  // clientID (workload identity / identity binding)
  SecretString assertion_token;           // SA JWT for the mode's audience (WI / IB), else empty
  SecretString sp_client_id;              // service principal, from nodePublishSecretRef
  SecretString sp_client_secret;
  std::vector<KeyVaultObject> objects;
};

// Parses and validates one mount's input in upstream's order (§1 "Exact order of checks") and
// throws MountError (SSCSI_INVALID_PARAMETERS) with upstream's message, or a deliberately clearer
// one, on the first problem. attributes_json and secrets_json are JSON objects of strings
// ("{}" or "null" secrets = none). Never puts a secret into a message.
// The cloud (upstream's step 9) is not resolved here: the caller runs resolve_cloud right after,
// then validate_vault_name when there is at least one object (step 15). The objects' rules and
// limits are in objects_parameter.h, output_paths.h and object_limits.h.
MountRequest parse_mount_request(std::string_view attributes_json, std::string_view secrets_json,
                                 uint32_t default_file_mode);

// Vault-name rule of §1 (3–24 chars of [-A-Za-z0-9]); throws MountError with upstream's message
// wrapped as "failed to get vault: ...". Called only when there is at least one object.
void validate_vault_name(std::string_view name);

}  // namespace sscsi::azure
