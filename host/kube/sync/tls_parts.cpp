#include "kube/sync/tls_parts.h"

#include <fmt/format.h>
#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/decoder.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/provider.h>
#include <openssl/x509.h>

#include <climits>
#include <memory>
#include <vector>

namespace sscsi::kube {
namespace {

template <typename T, void (*Free)(T*)>
struct Deleter {
  void operator()(T* p) const { Free(p); }
};
using BioPtr = std::unique_ptr<BIO, Deleter<BIO, BIO_free_all>>;
using PkeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using X509Ptr = std::unique_ptr<X509, Deleter<X509, X509_free>>;
using P12Ptr = std::unique_ptr<PKCS12, Deleter<PKCS12, PKCS12_free>>;
using P8Ptr =
    std::unique_ptr<PKCS8_PRIV_KEY_INFO, Deleter<PKCS8_PRIV_KEY_INFO, PKCS8_PRIV_KEY_INFO_free>>;
using DecoderPtr =
    std::unique_ptr<OSSL_DECODER_CTX, Deleter<OSSL_DECODER_CTX, OSSL_DECODER_CTX_free>>;

void free_x509_stack(STACK_OF(X509) * stack) { sk_X509_pop_free(stack, X509_free); }
using X509StackPtr = std::unique_ptr<STACK_OF(X509), Deleter<STACK_OF(X509), free_x509_stack>>;

constexpr const char* kCertKey = "tls.crt";
constexpr const char* kKeyKey = "tls.key";
constexpr const char* kCertificate = "CERTIFICATE";

// One decoded PEM block; the DER is wiped when the block goes away.
struct PemBlock {
  std::string type;
  SecretBytes der;
};

[[noreturn]] void fail(std::string_view key, const std::string& problem) {
  ERR_clear_error();  // OpenSSL's queue must not leak into the next, unrelated failure
  throw TlsPartError(fmt::format("{}: {}", key, problem));
}

// Loaded once, unloaded at exit (before OpenSSL's own cleanup, which was registered earlier).
class Providers {
 public:
  Providers()
      // Loading any provider explicitly stops OpenSSL from loading "default" implicitly, so both.
      : default_(OSSL_PROVIDER_load(nullptr, "default")),
        // RC2/3DES PFX files; without legacy.so only those cannot be read.
        legacy_(OSSL_PROVIDER_load(nullptr, "legacy")) {
    ERR_clear_error();
  }
  ~Providers() {
    if (legacy_ != nullptr) OSSL_PROVIDER_unload(legacy_);
    if (default_ != nullptr) OSSL_PROVIDER_unload(default_);
  }
  Providers(const Providers&) = delete;
  Providers& operator=(const Providers&) = delete;

 private:
  OSSL_PROVIDER* default_;
  OSSL_PROVIDER* legacy_;
};

void load_providers() { static const Providers providers; }

BioPtr memory_bio(std::string_view data) {
  if (data.size() > static_cast<std::size_t>(INT_MAX)) {
    throw TlsPartError("the data is too large to be a certificate or key");
  }
  BioPtr bio(BIO_new_mem_buf(data.data(), static_cast<int>(data.size())));
  if (!bio) throw TlsPartError("OpenSSL could not allocate a memory buffer");
  return bio;
}

std::vector<PemBlock> pem_blocks(std::string_view key, std::string_view data) {
  std::vector<PemBlock> blocks;
  BioPtr bio = memory_bio(data);
  while (true) {
    char* name = nullptr;
    char* header = nullptr;
    unsigned char* der = nullptr;
    long length = 0;
    if (PEM_read_bio(bio.get(), &name, &header, &der, &length) != 1) {
      const unsigned long error = ERR_peek_last_error();
      const bool end =
          ERR_GET_LIB(error) == ERR_LIB_PEM && ERR_GET_REASON(error) == PEM_R_NO_START_LINE;
      ERR_clear_error();
      if (end) break;
      fail(key, fmt::format("PEM block {} could not be decoded (bad base64 or no END line)",
                            blocks.size() + 1));
    }
    PemBlock block{name, SecretBytes(std::string_view(reinterpret_cast<char*>(der),
                                                      static_cast<std::size_t>(length)))};
    OPENSSL_clear_free(der, static_cast<std::size_t>(length));
    OPENSSL_free(name);
    OPENSSL_free(header);
    blocks.push_back(std::move(block));
  }
  return blocks;
}

SecretBytes pem_encode(const char* type, std::string_view der) {
  BioPtr out(BIO_new(BIO_s_secmem()));
  if (!out) out.reset(BIO_new(BIO_s_mem()));
  if (!out || PEM_write_bio(out.get(), type, "", reinterpret_cast<const unsigned char*>(der.data()),
                            static_cast<long>(der.size())) <= 0) {
    throw TlsPartError(fmt::format("OpenSSL could not PEM-encode a {} block", type));
  }
  char* text = nullptr;
  const long length = BIO_get_mem_data(out.get(), &text);
  return SecretBytes(std::string_view(text, static_cast<std::size_t>(length)));
}

SecretBytes certificate_pem(const X509* cert) {
  unsigned char* der = nullptr;
  const int length = i2d_X509(cert, &der);
  if (length <= 0) throw TlsPartError("OpenSSL could not encode a certificate from the PFX");
  SecretBytes pem = pem_encode(kCertificate, std::string_view(reinterpret_cast<char*>(der),
                                                              static_cast<std::size_t>(length)));
  OPENSSL_free(der);
  return pem;
}

struct Pfx {
  PkeyPtr key;
  X509Ptr cert;
  X509StackPtr others;
};

Pfx parse_pfx(std::string_view key, std::string_view data) {
  load_providers();
  BioPtr bio = memory_bio(data);
  P12Ptr p12(d2i_PKCS12_bio(bio.get(), nullptr));
  if (!p12) {
    fail(key, "the data holds no PEM block of the needed type and is not a PKCS#12/PFX file");
  }
  EVP_PKEY* pkey = nullptr;
  X509* cert = nullptr;
  STACK_OF(X509)* others = nullptr;
  if (PKCS12_parse(p12.get(), "", &pkey, &cert, &others) != 1) {
    fail(key,
         "the PKCS#12/PFX file could not be opened with an empty password (it has a password, "
         "or uses an algorithm OpenSSL does not provide)");
  }
  return Pfx{PkeyPtr(pkey), X509Ptr(cert), X509StackPtr(others)};
}

SecretBytes certificates(std::string_view data) {
  SecretBytes out;
  for (const PemBlock& block : pem_blocks(kCertKey, data)) {
    if (block.type == kCertificate) out.append(pem_encode(kCertificate, block.der.view()).view());
  }
  if (!out.empty()) return out;
  const Pfx pfx = parse_pfx(kCertKey, data);
  if (pfx.cert) out.append(certificate_pem(pfx.cert.get()).view());
  for (int i = 0; pfx.others && i < sk_X509_num(pfx.others.get()); ++i) {
    out.append(certificate_pem(sk_X509_value(pfx.others.get(), i)).view());
  }
  if (out.empty()) fail(kCertKey, "the PKCS#12/PFX file contains no certificate");
  return out;
}

// Decodes DER with one exact structure ("PrivateKeyInfo", "type-specific") and key type.
PkeyPtr decode_key(std::string_view der, const char* structure, const char* type) {
  EVP_PKEY* pkey = nullptr;
  DecoderPtr decoder(OSSL_DECODER_CTX_new_for_pkey(&pkey, "DER", structure, type, EVP_PKEY_KEYPAIR,
                                                   nullptr, nullptr));
  if (!decoder) return nullptr;
  const auto* bytes = reinterpret_cast<const unsigned char*>(der.data());
  std::size_t left = der.size();
  if (OSSL_DECODER_from_data(decoder.get(), &bytes, &left) != 1 || left != 0) {
    EVP_PKEY_free(pkey);
    ERR_clear_error();
    return nullptr;
  }
  return PkeyPtr(pkey);
}

// PKCS#8 PrivateKeyInfo of any algorithm; nullptr when `der` is not unencrypted PKCS#8.
PkeyPtr decode_pkcs8(std::string_view der) {
  const auto* bytes = reinterpret_cast<const unsigned char*>(der.data());
  P8Ptr info(d2i_PKCS8_PRIV_KEY_INFO(nullptr, &bytes, static_cast<long>(der.size())));
  if (!info || bytes != reinterpret_cast<const unsigned char*>(der.data()) + der.size()) {
    ERR_clear_error();
    return nullptr;
  }
  PkeyPtr pkey(EVP_PKCS82PKEY(info.get()));
  ERR_clear_error();
  return pkey;
}

// "RSA PRIVATE KEY" (PKCS#1) or "EC PRIVATE KEY" (SEC1, named curve and public key included).
SecretBytes traditional_pem(const EVP_PKEY* pkey) {
  const int id = EVP_PKEY_get_base_id(pkey);
  if (id != EVP_PKEY_RSA && id != EVP_PKEY_EC) {
    const char* name = EVP_PKEY_get0_type_name(pkey);
    fail(kKeyKey, fmt::format("the private key is of type {}; only RSA and EC keys are supported",
                              name != nullptr ? name : "unknown"));
  }
  BioPtr out(BIO_new(BIO_s_secmem()));
  if (!out) out.reset(BIO_new(BIO_s_mem()));
  if (!out || PEM_write_bio_PrivateKey_traditional(out.get(), pkey, nullptr, nullptr, 0, nullptr,
                                                   nullptr) != 1) {
    fail(kKeyKey, "OpenSSL could not encode the private key");
  }
  char* text = nullptr;
  const long length = BIO_get_mem_data(out.get(), &text);
  return SecretBytes(std::string_view(text, static_cast<std::size_t>(length)));
}

SecretBytes private_key(std::string_view data) {
  const std::vector<PemBlock> blocks = pem_blocks(kKeyKey, data);
  const PemBlock* last = nullptr;
  for (const PemBlock& block : blocks) {
    if (block.type != kCertificate) last = &block;
  }
  if (last == nullptr) {
    const Pfx pfx = parse_pfx(kKeyKey, data);
    if (!pfx.key) fail(kKeyKey, "the PKCS#12/PFX file contains no private key");
    return traditional_pem(pfx.key.get());
  }
  const std::string_view der = last->der.view();
  PkeyPtr pkey = decode_pkcs8(der);
  if (!pkey) pkey = decode_key(der, "type-specific", "RSA");
  if (!pkey) pkey = decode_key(der, "type-specific", "EC");
  if (!pkey) {
    fail(kKeyKey, fmt::format("the last non-certificate PEM block ({}) is not an unencrypted RSA "
                              "or EC private key in PKCS#1, PKCS#8 or SEC1 form",
                              last->type));
  }
  return traditional_pem(pkey.get());
}

}  // namespace

SecretBytes tls_part(std::string_view key, std::string_view data) {
  if (key == kCertKey) return certificates(data);
  if (key == kKeyKey) return private_key(data);
  throw TlsPartError(
      fmt::format("key '{}' is not supported in a {} Secret: only tls.crt and tls.key are", key,
                  kTlsSecretType));
}

}  // namespace sscsi::kube
