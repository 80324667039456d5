#pragma once
// objectType: key — the public half of a Key Vault JSON Web Key as a PKIX "PUBLIC KEY" PEM block
// (reference azure-provider.md §4.2). RSA/RSA-HSM from n and e; EC/EC-HSM on P-256, P-384 and
// P-521 from x and y as an uncompressed point with the named-curve OID.

#include "common/secret_string.h"
#include "keyvault/keyvault_objects.h"

namespace sscsi::azure {

// Throws MountError with upstream's text for an unsupported key type or curve
// ("failed to get key. key type 'oct' currently not supported", "curve P-256K is not
// supported") and a message naming the field for a missing or malformed one.
SecretString jwk_to_public_key_pem(const JsonWebKey& jwk);

}  // namespace sscsi::azure
