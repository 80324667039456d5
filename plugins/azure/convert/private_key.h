#pragma once
// Private keys out of a PFX are re-encoded as unencrypted PKCS#8 "PRIVATE KEY" blocks whatever
// form they came in (reference azure-provider.md §4.5): upstream's parsePrivateKey accepts
// PKCS#1 RSA, PKCS#8 and SEC1 EC DER, in that order.

#include <openssl/evp.h>

#include <string_view>

#include "common/secret_string.h"
#include "convert/openssl_support.h"

namespace sscsi::azure {

// The key in `der` (PKCS#1 RSAPrivateKey, PKCS#8 PrivateKeyInfo or SEC1 ECPrivateKey, with no
// trailing bytes), or MountError "failed to parse key for type pkcs1, pkcs8 or ec".
EvpPkeyPtr parse_private_key(std::string_view der);

// parse_private_key, then append_pkcs8_pem.
SecretString private_key_to_pkcs8_pem(std::string_view der);

}  // namespace sscsi::azure
