// The AzureStackCloud environment file (cloudEnvFileName): go-autorest's Environment JSON,
// which decides where the plugin sends tokens.
//
// Input: the file's contents, parsed directly and, written to a scratch directory the plugin is
// allowed to read cloud files from (allowedCloudEnvDirs), through resolve_cloud.
// Expected: MountError. Invariants: an accepted file gives https endpoints ending in '/', a
// DNS suffix, and vault URLs whose host is <vault>.<suffix>, so a token for the vault cannot be
// sent to a host the file did not name as the suffix.

#include <cstdint>
#include <string>

#include "cloud/azure_stack_file.h"
#include "cloud/cloud_environment.h"
#include "common/mount_error.h"
#include "fuzz_support.h"
#include "http/url.h"

namespace {

using namespace sscsi;

bool https_with_slash(const std::string& url) {
  const auto parts = azure::parse_url(url);
  return parts && parts->scheme == "https" && !parts->host.empty() && url.back() == '/';
}

void check_cloud(const azure::CloudEnvironment& cloud) {
  if (!https_with_slash(cloud.active_directory_endpoint) ||
      !https_with_slash(cloud.key_vault_endpoint)) {
    fuzz::fuzz_fail("fuzz_azure_cloud_env: an accepted endpoint is not an https URL ending in '/'",
                    cloud.active_directory_endpoint + "\n" + cloud.key_vault_endpoint);
  }
  const std::string url = azure::vault_url(cloud, "kv");
  const auto parts = azure::parse_url(url);
  std::string expected_host = "kv." + cloud.key_vault_dns_suffix;
  for (char& c : expected_host) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  if (!parts || parts->host != expected_host || parts->has_userinfo) {
    fuzz::fuzz_fail("fuzz_azure_cloud_env: the vault URL's host is not <vault>.<dns suffix>", url);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const fuzz::ScratchDir dir;
  const std::string_view text = fuzz::as_text(data, size);
  try {
    check_cloud(azure::parse_azure_stack_file(text, "azure-stack-env.json"));
  } catch (const azure::MountError&) {
  }
  const std::string file = dir.write("azure-stack-env.json", text);
  try {
    check_cloud(azure::resolve_cloud("azurestackcloud", "AzurePublicCloud", file, {dir.path()}));
  } catch (const azure::MountError&) {
  }
  return 0;
}
