#pragma once
// The AzureStackCloud environment file (reference azure-provider.md §5): go-autorest's
// Environment JSON, of which the plugin needs name, activeDirectoryEndpoint, keyVaultEndpoint
// and keyVaultDNSSuffix. Read on every mount that names AzureStackCloud, from the path in the
// SecretProviderClass's cloudEnvFileName — never through AZURE_ENVIRONMENT_FILEPATH, which
// upstream sets process-wide and so races between concurrent mounts.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "cloud/cloud_environment.h"

namespace sscsi::azure {

// Environment files are a few hundred bytes; the cap bounds what a SecretProviderClass can make
// the node plugin read.
inline constexpr std::size_t kMaxAzureStackFileBytes = 64 * 1024;

// Reads and checks `path`, which must lie inside one of `allowed_dirs` (the plugin's
// allowedCloudEnvDirs; see cloud/confined_file.h for how it is opened). Throws
// MountError(SSCSI_INVALID_PARAMETERS) with a cause that names the file and the field, and never
// quotes the file's contents: "cloudEnvFileName is not set ...", "cloudEnvFileName must be an
// absolute path ...", "cloudEnvFileName "<path>" is outside the directories ...",
// "open <path>: no such file or directory" (Go's wording, as upstream), "<path> is not a
// regular file", "<path> is larger than 65536 bytes", then parse_azure_stack_file's errors.
CloudEnvironment read_azure_stack_file(std::string_view path,
                                       const std::vector<std::string>& allowed_dirs);

// Checks the contents of the file at `path` (named in messages): "<path>: invalid JSON ...",
// "<path>: field "keyVaultEndpoint" is missing or not a string", "... must be an https URL",
// "... must be a DNS name". Endpoints get a trailing '/' when they lack one, because the
// token endpoint and the challenge resource are built by appending to them.
CloudEnvironment parse_azure_stack_file(std::string_view contents, std::string_view path);

}  // namespace sscsi::azure
