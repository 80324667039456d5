#pragma once
// objectEncoding (reference azure-provider.md §4.5, §10.1 case 15): how a secret's text becomes
// the file's bytes. utf-8 writes the text itself; base64 and hex decode it (binary secrets such
// as a PFX for objectFormat: pfx are stored as base64 text in Key Vault).

#include <string_view>

#include "common/secret_string.h"
#include "params/mount_request.h"

namespace sscsi::azure {

// "" or utf-8, base64, hex, case-insensitively (upstream's getContentBytes); anything else
// throws MountError "invalid objectEncoding. Should be utf-8, base64, or hex".
KeyVaultObject::Encoding parse_object_encoding(std::string_view name);

// The file bytes for `content`. Base64 is standard with padding (Go's StdEncoding); hex takes
// either case. Decode errors name the encoding and the offset, never a byte of the secret.
SecretString decode_content(std::string_view content, KeyVaultObject::Encoding encoding);

}  // namespace sscsi::azure
