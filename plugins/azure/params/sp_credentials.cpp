#include "params/sp_credentials.h"

#include <string>
#include <string_view>

#include "common/mount_error.h"
#include "params/go_strings.h"

namespace sscsi::azure {
namespace {

// The non-empty value of the key matching `wanted` case-insensitively ("" when none).
SecretString find_credential(const StringMap& secrets, std::string_view wanted) {
  const std::string* found_key = nullptr;
  const SecretString* found = nullptr;
  for (const auto& [key, value] : secrets) {
    if (!go_equal_fold(key, wanted) || value.empty()) continue;
    if (found != nullptr && *found != value) {
      throw invalid_parameters("nodePublishSecretRef secret has both " + go_quote(*found_key) +
                               " and " + go_quote(key) + " with different values for " +
                               std::string(wanted) + " (keys are matched case-insensitively); " +
                               "keep only one");
    }
    found_key = &key;
    found = &value;
  }
  return found == nullptr ? SecretString{} : make_secret(view(*found));
}

}  // namespace

SpCredentials read_sp_credentials(const std::optional<StringMap>& secrets) {
  if (!secrets || secrets->empty()) {
    throw invalid_parameters("failed to get credentials, nodePublishSecretRef secret is not set");
  }
  SpCredentials credentials{find_credential(*secrets, "clientid"),
                            find_credential(*secrets, "clientsecret")};
  if (credentials.client_id.empty()) {
    throw invalid_parameters("could not find clientid in secrets");
  }
  if (credentials.client_secret.empty()) {
    throw invalid_parameters("could not find clientsecret in secrets");
  }
  return credentials;
}

}  // namespace sscsi::azure
