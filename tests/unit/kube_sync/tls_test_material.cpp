#include "tls_test_material.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/provider.h>
#include <openssl/x509v3.h>

#include <stdexcept>

namespace sscsi::kube::testing {
namespace {

struct BioFree {
  void operator()(BIO* bio) const { BIO_free_all(bio); }
};
using Bio = std::unique_ptr<BIO, BioFree>;

void check(bool ok, const char* what) {
  if (!ok) {
    char text[256];
    ERR_error_string_n(ERR_get_error(), text, sizeof text);
    throw std::runtime_error(std::string(what) + ": " + text);
  }
}

std::string bio_text(BIO* bio) {
  char* data = nullptr;
  const long length = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<std::size_t>(length));
}

template <typename Write>
std::string write_pem(Write write, const char* what) {
  Bio bio(BIO_new(BIO_s_mem()));
  check(bio && write(bio.get()) == 1, what);
  return bio_text(bio.get());
}

Pkey generate(const char* type, const char* arg) {
  EVP_PKEY* key = arg == nullptr ? EVP_PKEY_Q_keygen(nullptr, nullptr, type)
                                 : EVP_PKEY_Q_keygen(nullptr, nullptr, type, arg);
  check(key != nullptr, type);
  return Pkey(key);
}

}  // namespace

Pkey rsa_key() {
  EVP_PKEY* key = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(2048));
  check(key != nullptr, "RSA key");
  return Pkey(key);
}
Pkey ec_key() { return generate("EC", "P-256"); }
Pkey ed25519_key() { return generate("ED25519", nullptr); }

Cert certificate(const std::string& common_name, EVP_PKEY* key, X509* issuer, EVP_PKEY* issuer_key,
                 bool ca) {
  Cert cert(X509_new());
  check(cert != nullptr, "X509_new");
  static long serial = 1;
  X509_set_version(cert.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), serial++);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), 0);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 3600);
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(common_name.c_str()), -1, -1,
                             0);
  X509_set_issuer_name(cert.get(), issuer != nullptr ? X509_get_subject_name(issuer) : name);
  check(X509_set_pubkey(cert.get(), key) == 1, "X509_set_pubkey");
  if (ca) {
    X509_EXTENSION* ext =
        X509V3_EXT_conf_nid(nullptr, nullptr, NID_basic_constraints, "critical,CA:TRUE");
    X509_add_ext(cert.get(), ext, -1);
    X509_EXTENSION_free(ext);
  }
  EVP_PKEY* signer = issuer_key != nullptr ? issuer_key : key;
  const EVP_MD* digest = EVP_PKEY_get_base_id(signer) == EVP_PKEY_ED25519 ? nullptr : EVP_sha256();
  check(X509_sign(cert.get(), signer, digest) > 0, "X509_sign");
  return cert;
}

std::string cert_pem(X509* cert) {
  return write_pem([&](BIO* bio) { return PEM_write_bio_X509(bio, cert); }, "certificate PEM");
}

std::string cert_der(X509* cert) {
  unsigned char* der = nullptr;
  const int length = i2d_X509(cert, &der);
  check(length > 0, "i2d_X509");
  std::string out(reinterpret_cast<char*>(der), static_cast<std::size_t>(length));
  OPENSSL_free(der);
  return out;
}

std::string pkcs1_pem(EVP_PKEY* rsa) {
  return write_pem(
      [&](BIO* bio) {
        return PEM_write_bio_PrivateKey_traditional(bio, rsa, nullptr, nullptr, 0, nullptr,
                                                    nullptr);
      },
      "PKCS#1 PEM");
}

std::string pkcs8_pem(EVP_PKEY* key) {
  return write_pem(
      [&](BIO* bio) {
        return PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr);
      },
      "PKCS#8 PEM");
}

std::string sec1_pem(EVP_PKEY* ec) { return pkcs1_pem(ec); }  // traditional form of EC is SEC1

std::string pfx(EVP_PKEY* key, X509* cert, const std::vector<X509*>& chain, PfxEncoding encoding,
                const char* password) {
  static OSSL_LIB_CTX* context = [] {
    OSSL_LIB_CTX* ctx = OSSL_LIB_CTX_new();
    check(OSSL_PROVIDER_load(ctx, "default") != nullptr, "default provider");
    check(OSSL_PROVIDER_load(ctx, "legacy") != nullptr, "legacy provider");
    return ctx;
  }();
  STACK_OF(X509)* ca = sk_X509_new_null();
  for (X509* extra : chain) sk_X509_push(ca, extra);
  const bool legacy = encoding == PfxEncoding::Legacy;
  PKCS12* p12 = PKCS12_create_ex(
      password, "test", key, cert, ca, legacy ? NID_pbe_WithSHA1And3_Key_TripleDES_CBC : 0,
      legacy ? NID_pbe_WithSHA1And40BitRC2_CBC : 0, 0, 0, 0, context, nullptr);
  sk_X509_free(ca);
  check(p12 != nullptr, "PKCS12_create_ex");
  unsigned char* der = nullptr;
  const int length = i2d_PKCS12(p12, &der);
  PKCS12_free(p12);
  check(length > 0, "i2d_PKCS12");
  std::string out(reinterpret_cast<char*>(der), static_cast<std::size_t>(length));
  OPENSSL_free(der);
  return out;
}

std::vector<std::string> pem_certificates_der(const std::string& pem) {
  Bio bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  std::vector<std::string> out;
  while (X509* cert = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)) {
    out.push_back(cert_der(cert));
    X509_free(cert);
  }
  ERR_clear_error();
  return out;
}

Pkey parse_private_key_pem(const std::string& pem) {
  Bio bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  EVP_PKEY* key = PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr);
  ERR_clear_error();
  return Pkey(key);
}

std::vector<std::string> pem_types(const std::string& pem) {
  std::vector<std::string> types;
  const std::string begin = "-----BEGIN ";
  for (std::size_t at = pem.find(begin); at != std::string::npos; at = pem.find(begin, at + 1)) {
    const std::size_t start = at + begin.size();
    types.push_back(pem.substr(start, pem.find("-----", start) - start));
  }
  return types;
}

}  // namespace sscsi::kube::testing
