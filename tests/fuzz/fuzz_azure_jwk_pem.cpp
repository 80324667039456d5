// objectType: key — a Key Vault key answer's JSON Web Key turned into a "PUBLIC KEY" PEM file
// (RSA from n/e, EC P-256/384/521 from x/y).
//
// Input: the key answer body ({"key":{"kid":..,"kty":..,"n":..,"e":..}} or the EC fields).
// Expected: MountError. Invariant: an accepted key is written as one PUBLIC KEY block that
// OpenSSL reads back, of the family kty names.

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <cstdint>
#include <string>

#include "common/mount_error.h"
#include "convert/jwk_pem.h"
#include "fuzz_support.h"
#include "keyvault/keyvault_json.h"

namespace {

using namespace sscsi;

void check_public_key_pem(const azure::JsonWebKey& jwk, std::string_view pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  EVP_PKEY* key = PEM_read_bio_PUBKEY(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  if (key == nullptr) {
    fuzz::fuzz_fail("fuzz_azure_jwk_pem: the PUBLIC KEY PEM written does not parse",
                    std::string(pem));
  }
  const bool rsa = jwk.kty.rfind("RSA", 0) == 0;
  const int expected = rsa ? EVP_PKEY_RSA : EVP_PKEY_EC;
  const int actual = EVP_PKEY_get_base_id(key);
  EVP_PKEY_free(key);
  if (actual != expected) {
    fuzz::fuzz_fail("fuzz_azure_jwk_pem: the PEM holds a key of another family than kty",
                    "kty " + jwk.kty);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    const azure::KeyBundle bundle =
        azure::parse_key_bundle(azure::make_secret(fuzz::as_text(data, size)));
    const azure::SecretString pem = azure::jwk_to_public_key_pem(bundle.key);
    check_public_key_pem(bundle.key, azure::view(pem));
  } catch (const azure::MountError&) {
  }
  return 0;
}
