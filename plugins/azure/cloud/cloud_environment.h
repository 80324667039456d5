#pragma once
// The Azure clouds of reference azure-provider.md §5, resolved per mount (never through a
// process-wide environment variable): the four named clouds, and AzureStackCloud from the JSON
// file the SecretProviderClass names in cloudEnvFileName.

#include <string>
#include <string_view>
#include <vector>

namespace sscsi::azure {

struct CloudEnvironment {
  std::string name;                       // canonical name, e.g. "AzurePublicCloud"
  std::string active_directory_endpoint;  // e.g. "https://login.microsoftonline.com/"
  std::string key_vault_endpoint;         // e.g. "https://vault.azure.net/"
  std::string key_vault_dns_suffix;       // e.g. "vault.azure.net"
};

// `name` is matched case-insensitively; "" means `default_name` (the plugin's configured
// cloudName). AzureStackCloud reads `env_file` (must be non-empty, inside one of
// `allowed_env_dirs` — the plugin's allowedCloudEnvDirs; none means refused —, ≤ 64 KiB, a JSON
// object with string fields activeDirectoryEndpoint, keyVaultEndpoint, keyVaultDNSSuffix; https
// endpoints).
// Throws MountError (SSCSI_INVALID_PARAMETERS) with upstream's message
// ("cloudName <n> is not valid, error: ...").
CloudEnvironment resolve_cloud(std::string_view name, std::string_view default_name,
                               std::string_view env_file,
                               const std::vector<std::string>& allowed_env_dirs = {});

// "https://<vault>.<dns suffix>/"
std::string vault_url(const CloudEnvironment& cloud, std::string_view vault_name);

}  // namespace sscsi::azure
