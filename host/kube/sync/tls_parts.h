#pragma once
// The kubernetes.io/tls transformation of a synced Secret (upstream secretutil.GetCertPart):
//
//   tls.crt  every PEM block of type CERTIFICATE, re-encoded and concatenated in order (the whole
//            chain); when the data has none, it is read as PKCS#12/PFX with an empty password
//            and its certificates are used (the one matching the key first, then the others).
//   tls.key  the LAST PEM block that is not a CERTIFICATE, decoded as PKCS#1 RSA, PKCS#8 (RSA or
//            EC) or SEC1 EC and re-encoded as "RSA PRIVATE KEY" (PKCS#1) or "EC PRIVATE KEY"
//            (SEC1); when the data has no such block, the PFX's private key, encoded the same way.
//            Other key types (ed25519, DSA, ...) are rejected.
//
// Any other key name is an error. PFX files in the legacy encodings (RC2, 3DES) are read too:
// OpenSSL's legacy provider is loaded (next to the default one) on first use.

#include <stdexcept>
#include <string>
#include <string_view>

#include "kube/sync/secret_bytes.h"

namespace sscsi::kube {

inline constexpr const char* kTlsSecretType = "kubernetes.io/tls";

// Messages name the key and the problem; they never contain key or certificate material.
class TlsPartError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Throws TlsPartError.
SecretBytes tls_part(std::string_view key, std::string_view data);

}  // namespace sscsi::kube
