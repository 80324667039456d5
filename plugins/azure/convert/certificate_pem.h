#pragma once
// objectType: cert — the `cer` field of a Key Vault certificate as one "CERTIFICATE" PEM block
// (reference azure-provider.md §4.3). Like upstream, the DER itself is not parsed: Key Vault is
// trusted to return a certificate, and §10.1 case 30 wraps the bytes "test".

#include <string_view>

#include "common/secret_string.h"

namespace sscsi::azure {

// `cer` is standard base64 with padding. Throws MountError "certificate value is nil" for an
// empty `cer` (the SDK reads "" as absent) and names the offset of a base64 error.
SecretString certificate_to_pem(std::string_view cer_base64);

}  // namespace sscsi::azure
