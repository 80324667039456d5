#include "cloud/cloud_environment.h"

#include <array>
#include <string>

#include "cloud/azure_stack_file.h"
#include "common/mount_error.h"
#include "params/go_strings.h"

namespace sscsi::azure {
namespace {

struct NamedCloud {
  std::string_view upper_name;  // go-autorest's map key
  std::string_view name;
  std::string_view active_directory_endpoint;
  std::string_view key_vault_endpoint;
  std::string_view key_vault_dns_suffix;
};

// go-autorest v0.11.30 autorest/azure/environments.go (the entries the provider uses).
constexpr std::array<NamedCloud, 4> kNamedClouds{{
    {"AZUREPUBLICCLOUD", "AzurePublicCloud", "https://login.microsoftonline.com/",
     "https://vault.azure.net/", "vault.azure.net"},
    {"AZUREUSGOVERNMENTCLOUD", "AzureUSGovernmentCloud", "https://login.microsoftonline.us/",
     "https://vault.usgovcloudapi.net/", "vault.usgovcloudapi.net"},
    {"AZURECHINACLOUD", "AzureChinaCloud", "https://login.chinacloudapi.cn/",
     "https://vault.azure.cn/", "vault.azure.cn"},
    {"AZUREGERMANCLOUD", "AzureGermanCloud", "https://login.microsoftonline.de/",
     "https://vault.microsoftazure.de/", "vault.microsoftazure.de"},
}};

constexpr std::string_view kDefaultCloud = "AzurePublicCloud";

CloudEnvironment to_environment(const NamedCloud& cloud) {
  return CloudEnvironment{std::string(cloud.name), std::string(cloud.active_directory_endpoint),
                          std::string(cloud.key_vault_endpoint),
                          std::string(cloud.key_vault_dns_suffix)};
}

}  // namespace

CloudEnvironment resolve_cloud(std::string_view name, std::string_view default_name,
                               std::string_view env_file,
                               const std::vector<std::string>& allowed_env_dirs) {
  std::string_view wanted = name.empty() ? default_name : name;
  if (wanted.empty()) wanted = kDefaultCloud;
  const std::string prefix = "cloudName " + std::string(wanted) + " is not valid, error: ";

  if (go_equal_fold(wanted, "AzureStackCloud")) {
    try {
      return read_azure_stack_file(env_file, allowed_env_dirs);
    } catch (const MountError& e) {
      throw invalid_parameters(prefix + e.what());
    }
  }
  const std::string upper = go_to_upper(wanted);
  for (const auto& cloud : kNamedClouds) {
    if (cloud.upper_name == upper) return to_environment(cloud);
  }
  throw invalid_parameters(prefix + "autorest/azure: There is no cloud environment matching the " +
                           "name " + go_quote(upper));
}

std::string vault_url(const CloudEnvironment& cloud, std::string_view vault_name) {
  return "https://" + std::string(vault_name) + "." + cloud.key_vault_dns_suffix + "/";
}

}  // namespace sscsi::azure
