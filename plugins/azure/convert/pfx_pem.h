#pragma once
// A certificate-backed secret with contentType application/x-pkcs12 turned into PEM (reference
// azure-provider.md §4.5): every private key as an unencrypted PKCS#8 "PRIVATE KEY" block first,
// then every certificate as a "CERTIFICATE" block, in PFX order or chain order (§4.6). Bag
// attributes (friendlyName, localKeyID) are dropped.
//
// Reads what OpenSSL 3 reads, in the plugin's private library context: the legacy encodings
// (RC2/3DES PBE, SHA-1 MAC; what Key Vault exports) and PBES2 (PBKDF2 + AES). The password is the
// empty one, which PKCS#12 writers encode in two ways (no bytes at all, or an empty BMPString);
// the MAC says which one was used, and without a MAC both are tried.
// Deliberate differences from upstream's Go reader: PBES2/AES files and files without a MAC are
// read, keys in unshrouded keyBags are read, CRL and secret bags are skipped instead of failing,
// and keys of any type OpenSSL knows (not only RSA and ECDSA) are written. A PFX with
// certificates but no key (Key Vault's non-exportable keys) gives just the certificates, as
// upstream.

#include <string_view>

#include "common/secret_string.h"
#include "convert/chain_order.h"

namespace sscsi::azure {

// `pfx_base64`: the secret value (standard base64 of the PFX DER). Throws MountError whose text
// starts with upstream's "failed to decode PKCS12 data, error: " and then names the problem: base64
// offset, not a PKCS#12 file, "pkcs12: decryption password incorrect" for a PFX protected by a
// non-empty password, a key or certificate that does not parse, or a chain error (§4.6; with no
// certificates at all chain construction fails with "no leaf found", as upstream).
SecretString pfx_to_pem(std::string_view pfx_base64, bool construct_pem_chain,
                        const WarningSink& warn);

}  // namespace sscsi::azure
