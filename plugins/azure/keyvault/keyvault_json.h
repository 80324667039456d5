#pragma once
// Key Vault answers (reference §4.1) read into the bundles of keyvault_objects.h. Missing
// fields give upstream's errors ("secret value is nil", "secret id is nil", "key value is nil",
// "key id is nil", "certificate value is nil", "certificate id is nil"); an answer that is not
// JSON says so with the byte offset only (it may hold a secret value). All throw MountError
// with SSCSI_UNAVAILABLE.

#include <optional>
#include <string>
#include <vector>

#include "common/secret_string.h"
#include "keyvault/keyvault_objects.h"
#include "params/mount_request.h"

namespace sscsi::azure {

SecretBundle parse_secret_bundle(const SecretString& body);
KeyBundle parse_key_bundle(const SecretString& body);
CertificateBundle parse_certificate_bundle(const SecretString& body);

struct VersionPage {
  std::vector<VersionEntry> entries;  // in answer order; entries without id/kid are dropped
  std::optional<std::string> next_link;
};

// One page of GET /{collection}/{name}/versions: value[].id (value[].kid for keys),
// value[].attributes.enabled (absent = enabled) and .created (absent = 0), nextLink.
VersionPage parse_version_page(const SecretString& body, ObjectType type);

}  // namespace sscsi::azure
