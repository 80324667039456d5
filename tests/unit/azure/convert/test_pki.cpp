#include "test_pki.h"

#include <openssl/bio.h>
#include <openssl/encoder.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/provider.h>
#include <openssl/x509v3.h>

#include <stdexcept>

#include "convert/base64.h"

namespace sscsi::azure::test {
namespace {

using BioPtr = OpenSslPtr<BIO, BIO_free>;

[[noreturn]] void fail(const std::string& what) {
  throw std::runtime_error("test PKI: " + what + ": " + last_openssl_error());
}

std::string bio_text(BIO* bio) {
  char* data = nullptr;
  const long len = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<std::size_t>(len));
}

// The tests' own context with the legacy provider, so that writing RC2 PFX files does not depend
// on (or change) the plugin's context or the process-wide one.
OSSL_LIB_CTX* legacy_ctx() {
  static OSSL_LIB_CTX* ctx = [] {
    OSSL_LIB_CTX* c = OSSL_LIB_CTX_new();
    if (c == nullptr || OSSL_PROVIDER_load(c, "default") == nullptr ||
        OSSL_PROVIDER_load(c, "legacy") == nullptr) {
      fail("loading the legacy provider");
    }
    return c;
  }();
  return ctx;
}

void add_name(X509_NAME* name, const std::string& cn) {
  if (X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                                 reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1,
                                 0) != 1) {
    fail("setting a name");
  }
}

void add_octet_extension(X509* cert, int nid, const std::string& value) {
  ASN1_OCTET_STRING* octets = ASN1_OCTET_STRING_new();
  ASN1_OCTET_STRING_set(octets, reinterpret_cast<const unsigned char*>(value.data()),
                        static_cast<int>(value.size()));
  const int ok = X509_add1_ext_i2d(cert, nid, octets, 0, X509V3_ADD_DEFAULT);
  ASN1_OCTET_STRING_free(octets);
  if (ok != 1) fail("adding an extension");
}

void add_authority_key_id(X509* cert, const std::optional<std::string>& key_id) {
  AUTHORITY_KEYID* akid = AUTHORITY_KEYID_new();
  if (key_id) {
    akid->keyid = ASN1_OCTET_STRING_new();
    ASN1_OCTET_STRING_set(akid->keyid, reinterpret_cast<const unsigned char*>(key_id->data()),
                          static_cast<int>(key_id->size()));
  }
  // Without key_id: an AKI extension that is present but has no keyIdentifier (empty SEQUENCE).
  const int ok = X509_add1_ext_i2d(cert, NID_authority_key_identifier, akid, 0, X509V3_ADD_DEFAULT);
  AUTHORITY_KEYID_free(akid);
  if (ok != 1) fail("adding an AKI");
}

void free_bags(STACK_OF(PKCS12_SAFEBAG) * s) { sk_PKCS12_SAFEBAG_pop_free(s, PKCS12_SAFEBAG_free); }
void free_safes(STACK_OF(PKCS7) * s) { sk_PKCS7_pop_free(s, PKCS7_free); }

}  // namespace

EvpPkeyPtr make_rsa_key(unsigned bits) {
  EvpPkeyPtr key(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(bits)));
  if (!key) fail("RSA keygen");
  return key;
}

EvpPkeyPtr make_ec_key(const char* group) {
  EvpPkeyPtr key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", group));
  if (!key) fail("EC keygen");
  return key;
}

std::string key_id(EVP_PKEY* key) {
  unsigned char* der = nullptr;
  const int len = i2d_PUBKEY(key, &der);
  if (len <= 0) fail("i2d_PUBKEY");
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int digest_len = 0;
  const int ok =
      EVP_Digest(der, static_cast<size_t>(len), digest, &digest_len, EVP_sha1(), nullptr);
  OPENSSL_free(der);
  if (ok != 1) fail("digest");
  return std::string(reinterpret_cast<char*>(digest), digest_len);
}

X509Ptr make_certificate(const CertSpec& spec) {
  X509Ptr cert(X509_new());
  if (!cert) fail("X509_new");
  static long serial = 1;
  X509_set_version(cert.get(), X509_VERSION_3);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), serial++);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 3600L * 24 * 30);
  add_name(X509_get_subject_name(cert.get()), spec.common_name);
  add_name(X509_get_issuer_name(cert.get()),
           spec.issuer_name.empty() ? spec.common_name : spec.issuer_name);
  if (X509_set_pubkey(cert.get(), spec.key) != 1) fail("X509_set_pubkey");
  if (spec.ski) add_octet_extension(cert.get(), NID_subject_key_identifier, *spec.ski);
  if (spec.aki) {
    add_authority_key_id(cert.get(), spec.aki);
  } else if (spec.aki_without_key_id) {
    add_authority_key_id(cert.get(), std::nullopt);
  }
  EVP_PKEY* signer = spec.signer != nullptr ? spec.signer : spec.key;
  if (X509_sign(cert.get(), signer, EVP_sha256()) <= 0) fail("X509_sign");
  return cert;
}

std::string der_of(X509* cert) {
  unsigned char* der = nullptr;
  const int len = i2d_X509(cert, &der);
  if (len <= 0) fail("i2d_X509");
  std::string out(reinterpret_cast<char*>(der), static_cast<std::size_t>(len));
  OPENSSL_free(der);
  return out;
}

std::string pem_of(X509* cert) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (PEM_write_bio_X509(bio.get(), cert) != 1) fail("PEM_write_bio_X509");
  return bio_text(bio.get());
}

std::string public_pem_of(EVP_PKEY* key) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (PEM_write_bio_PUBKEY(bio.get(), key) != 1) fail("PEM_write_bio_PUBKEY");
  return bio_text(bio.get());
}

std::string private_pem_of(EVP_PKEY* key) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1) {
    fail("PEM_write_bio_PrivateKey");
  }
  return bio_text(bio.get());
}

std::string common_name(X509* cert) {
  char buffer[256];
  const int len =
      X509_NAME_get_text_by_NID(X509_get_subject_name(cert), NID_commonName, buffer, sizeof buffer);
  return len < 0 ? std::string() : std::string(buffer, static_cast<std::size_t>(len));
}

std::string private_der(EVP_PKEY* key, const char* structure) {
  OpenSslPtr<OSSL_ENCODER_CTX, OSSL_ENCODER_CTX_free> encoder(
      OSSL_ENCODER_CTX_new_for_pkey(key, EVP_PKEY_KEYPAIR, "DER", structure, nullptr));
  unsigned char* data = nullptr;
  size_t len = 0;
  if (!encoder || OSSL_ENCODER_to_data(encoder.get(), &data, &len) != 1) fail("encoding a key");
  std::string out(reinterpret_cast<char*>(data), len);
  OPENSSL_free(data);
  return out;
}

std::string make_pfx_der(const PfxSpec& spec) {
  OSSL_LIB_CTX* ctx = legacy_ctx();
  const bool legacy = spec.cipher == PfxCipher::Legacy;
  const int key_nid = !spec.shroud_keys ? -1
                      : legacy          ? NID_pbe_WithSHA1And3_Key_TripleDES_CBC
                                        : NID_aes_256_cbc;
  const int cert_nid = legacy ? NID_pbe_WithSHA1And40BitRC2_CBC : NID_aes_256_cbc;
  const int iterations = 2048;

  OpenSslPtr<STACK_OF(PKCS7), free_safes> safes(sk_PKCS7_new_null());
  STACK_OF(PKCS7)* raw_safes = safes.release();
  if (!spec.certificates.empty()) {
    STACK_OF(PKCS12_SAFEBAG)* bags = nullptr;
    for (X509* cert : spec.certificates) {
      PKCS12_SAFEBAG* bag = PKCS12_add_cert(&bags, cert);
      if (bag == nullptr || PKCS12_add_friendlyname_asc(bag, "test certificate", -1) != 1) {
        fail("PKCS12_add_cert");
      }
    }
    if (PKCS12_add_safe_ex(&raw_safes, bags, cert_nid, iterations, spec.password, ctx, nullptr) !=
        1) {
      fail("PKCS12_add_safe_ex (certificates)");
    }
    free_bags(bags);
  }
  if (!spec.keys.empty()) {
    STACK_OF(PKCS12_SAFEBAG)* bags = nullptr;
    for (EVP_PKEY* key : spec.keys) {
      PKCS12_SAFEBAG* bag =
          PKCS12_add_key_ex(&bags, key, 0, iterations, key_nid, spec.password, ctx, nullptr);
      if (bag == nullptr || PKCS12_add_friendlyname_asc(bag, "test key", -1) != 1) {
        fail("PKCS12_add_key_ex");
      }
    }
    // Key bags go into a plain data safe; the keys themselves are shrouded (or not).
    if (PKCS12_add_safe_ex(&raw_safes, bags, -1, 0, nullptr, ctx, nullptr) != 1) {
      fail("PKCS12_add_safe_ex (keys)");
    }
    free_bags(bags);
  }
  safes.reset(raw_safes);
  Pkcs12Ptr p12(PKCS12_add_safes_ex(safes.get(), 0, ctx, nullptr));
  if (!p12) fail("PKCS12_add_safes_ex");
  if (spec.mac && PKCS12_set_mac(p12.get(), spec.password, -1, nullptr, 0, iterations,
                                 legacy ? EVP_sha1() : EVP_sha256()) != 1) {
    fail("PKCS12_set_mac");
  }
  unsigned char* der = nullptr;
  const int len = i2d_PKCS12(p12.get(), &der);
  if (len <= 0) fail("i2d_PKCS12");
  std::string out(reinterpret_cast<char*>(der), static_cast<std::size_t>(len));
  OPENSSL_free(der);
  return out;
}

std::string make_pfx(const PfxSpec& spec) { return base64(make_pfx_der(spec)); }

std::string base64(std::string_view bytes) {
  const SecretString encoded = encode_base64(bytes);
  return std::string(encoded.data(), encoded.size());
}

std::string base64url(std::string_view bytes) {
  std::string out = base64(bytes);
  for (char& c : out) {
    if (c == '+') c = '-';
    if (c == '/') c = '_';
  }
  while (!out.empty() && out.back() == '=') out.pop_back();
  return out;
}

ParsedPem parse_pem(std::string_view pem) {
  ParsedPem parsed;
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  for (;;) {
    char* name = nullptr;
    char* header = nullptr;
    unsigned char* data = nullptr;
    long len = 0;
    if (PEM_read_bio(bio.get(), &name, &header, &data, &len) != 1) break;
    const std::string type = name;
    const unsigned char* p = data;
    if (type == "CERTIFICATE") {
      parsed.certificates.emplace_back(d2i_X509(nullptr, &p, len));
    } else if (type == "PRIVATE KEY") {
      parsed.keys.emplace_back(d2i_AutoPrivateKey(nullptr, &p, len));
    }
    parsed.types.push_back(type);
    OPENSSL_free(name);
    OPENSSL_free(header);
    OPENSSL_free(data);
  }
  ERR_clear_error();
  return parsed;
}

std::string mount_error_text(const std::function<void()>& f, sscsi_status* code) {
  try {
    f();
  } catch (const MountError& e) {
    if (code != nullptr) *code = e.code();
    return e.what();
  }
  return "<no error>";
}

std::string str(const SecretString& s) { return std::string(s.data(), s.size()); }

}  // namespace sscsi::azure::test
