#pragma once
// What Key Vault answers for one object (reference azure-provider.md §4.1), after the JSON has
// been read and checked, and before any conversion. Header only: keyvault/ produces these,
// convert/ turns them into file contents.

#include <cstdint>
#include <string>

#include "common/secret_string.h"

namespace sscsi::azure {

// GET /secrets/{name}/{version}
struct SecretBundle {
  SecretString value;        // `value` (text; base64 PFX for a PKCS#12 certificate-backed secret)
  std::string version;       // third path segment of `id`
  std::string content_type;  // `contentType` ("" if absent)
  std::string kid;           // `kid`: set only for certificate-backed secrets
};

// The `key` member of GET /keys/{name}/{version}; n, e, x, y are base64url (no padding).
struct JsonWebKey {
  std::string kty;  // RSA, RSA-HSM, EC, EC-HSM, oct, oct-HSM
  std::string n, e;
  std::string crv;  // P-256, P-384, P-521 (P-256K unsupported)
  std::string x, y;
};

struct KeyBundle {
  JsonWebKey key;
  std::string version;  // third path segment of `key.kid`
};

// GET /certificates/{name}/{version}
struct CertificateBundle {
  std::string cer;      // standard base64 DER of the leaf certificate
  std::string version;  // third path segment of `id`
};

// One entry of GET /{secrets|keys|certificates}/{name}/versions
struct VersionEntry {
  std::string version;
  bool enabled = true;
  bool has_attributes = true;
  int64_t created = 0;  // Unix seconds; 0 when absent
};

}  // namespace sscsi::azure
