#pragma once
// Keys, certificates and PFX files made at test time with the OpenSSL 3 API, in the encodings
// that providers hand to the driver.

#include <openssl/evp.h>
#include <openssl/x509.h>

#include <memory>
#include <string>
#include <vector>

namespace sscsi::kube::testing {

struct PkeyFree {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
struct X509Free {
  void operator()(X509* cert) const { X509_free(cert); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;
using Cert = std::unique_ptr<X509, X509Free>;

Pkey rsa_key();  // 2048 bits
Pkey ec_key();   // P-256
Pkey ed25519_key();

// Signed by `issuer_key` as `issuer` (null: self-signed with `key`).
Cert certificate(const std::string& common_name, EVP_PKEY* key, X509* issuer, EVP_PKEY* issuer_key,
                 bool ca);

std::string cert_pem(X509* cert);
std::string cert_der(X509* cert);
std::string pkcs1_pem(EVP_PKEY* rsa);  // "RSA PRIVATE KEY"
std::string pkcs8_pem(EVP_PKEY* key);  // "PRIVATE KEY"
std::string sec1_pem(EVP_PKEY* ec);    // "EC PRIVATE KEY"

enum class PfxEncoding {
  Modern,  // AES-256-CBC, PBKDF2
  Legacy,  // key: 3DES, certificates: RC2-40 (what old Windows tooling writes)
};
// Made in a library context of its own (default + legacy providers), so the code under test
// must load the legacy provider itself to read a Legacy file.
std::string pfx(EVP_PKEY* key, X509* cert, const std::vector<X509*>& chain, PfxEncoding encoding,
                const char* password = "");

// Every certificate in PEM text, as DER; every private key PEM block parsed back.
std::vector<std::string> pem_certificates_der(const std::string& pem);
Pkey parse_private_key_pem(const std::string& pem);
// The types of the PEM blocks in `pem`, in order ("CERTIFICATE", "RSA PRIVATE KEY", ...).
std::vector<std::string> pem_types(const std::string& pem);

}  // namespace sscsi::kube::testing
