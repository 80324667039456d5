#pragma once
// Keys, certificates and PKCS#12 files made with the OpenSSL API for the convert tests, and an
// independent reader (OpenSSL's PEM parser) for checking what the conversions produce.

#include <openssl/evp.h>
#include <openssl/x509.h>

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/secret_string.h"
#include "convert/openssl_support.h"

namespace sscsi::azure::test {

EvpPkeyPtr make_rsa_key(unsigned bits = 2048);
EvpPkeyPtr make_ec_key(const char* group = "P-256");  // OpenSSL group name

// A key identifier unique to `key` (SHA-1 of its SubjectPublicKeyInfo, as RFC 5280 suggests).
std::string key_id(EVP_PKEY* key);

struct CertSpec {
  std::string common_name{};
  EVP_PKEY* key = nullptr;           // subject key
  EVP_PKEY* signer = nullptr;        // nullptr: self-signed with `key`
  std::string issuer_name{};         // issuer CN ("" for self-signed)
  std::optional<std::string> ski{};  // Subject Key Identifier extension (absent if nullopt)
  std::optional<std::string> aki{};  // Authority Key Identifier keyIdentifier (absent if nullopt)
  bool aki_without_key_id = false;   // an AKI extension that has no keyIdentifier
};
X509Ptr make_certificate(const CertSpec& spec);

std::string der_of(X509* cert);
std::string pem_of(X509* cert);             // PEM_write_bio_X509
std::string public_pem_of(EVP_PKEY* key);   // PEM_write_bio_PUBKEY
std::string private_pem_of(EVP_PKEY* key);  // PEM_write_bio_PrivateKey (PKCS#8, unencrypted)
std::string common_name(X509* cert);
// DER of the key in a given structure: "type-specific" (PKCS#1 / SEC1) or "PrivateKeyInfo".
std::string private_der(EVP_PKEY* key, const char* structure);

enum class PfxCipher { Legacy, Aes };
struct PfxSpec {
  std::vector<EVP_PKEY*> keys{};      // each in its own key bag, in order
  std::vector<X509*> certificates{};  // in bag order
  PfxCipher cipher = PfxCipher::Legacy;
  const char* password = "";  // nullptr: the absent-password encoding
  bool mac = true;
  bool shroud_keys = true;  // false: unencrypted keyBag
};
// DER of a PKCS#12 file as PKCS12_create_ex and friends write it, in a test-owned library
// context with the legacy provider (RC2-40 for certificates, 3DES for keys), or AES-256-CBC with
// PBKDF2 for both.
std::string make_pfx_der(const PfxSpec& spec);
std::string make_pfx(const PfxSpec& spec);  // base64 of make_pfx_der

std::string base64(std::string_view bytes);
std::string base64url(std::string_view bytes);  // no padding

// What OpenSSL's own PEM reader finds in a conversion's output.
struct ParsedPem {
  std::vector<std::string> types;  // block types in order
  std::vector<EvpPkeyPtr> keys;
  std::vector<X509Ptr> certificates;
};
ParsedPem parse_pem(std::string_view pem);

// The message of the MountError `f` throws, or "<no error>"; `code` receives its status.
std::string mount_error_text(const std::function<void()>& f, sscsi_status* code = nullptr);

std::string str(const SecretString& s);

}  // namespace sscsi::azure::test
