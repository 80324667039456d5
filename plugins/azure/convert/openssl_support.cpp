#include "convert/openssl_support.h"

#include <openssl/encoder.h>
#include <openssl/err.h>
#include <openssl/provider.h>

#include "convert/pem.h"

namespace sscsi::azure {
namespace {

class ConvertLibrary {
 public:
  ConvertLibrary() : ctx_(OSSL_LIB_CTX_new()) {
    if (ctx_ == nullptr) return;
    OpenSslErrorScope errors;
    default_ = OSSL_PROVIDER_load(ctx_, "default");
    legacy_ = OSSL_PROVIDER_load(ctx_, "legacy");
  }
  ~ConvertLibrary() {
    if (legacy_ != nullptr) OSSL_PROVIDER_unload(legacy_);
    if (default_ != nullptr) OSSL_PROVIDER_unload(default_);
    if (ctx_ != nullptr) OSSL_LIB_CTX_free(ctx_);
  }
  ConvertLibrary(const ConvertLibrary&) = delete;
  ConvertLibrary& operator=(const ConvertLibrary&) = delete;

  OSSL_LIB_CTX* ctx() const { return default_ != nullptr ? ctx_ : nullptr; }
  bool legacy() const { return legacy_ != nullptr; }

 private:
  OSSL_LIB_CTX* ctx_ = nullptr;
  OSSL_PROVIDER* default_ = nullptr;
  OSSL_PROVIDER* legacy_ = nullptr;
};

const ConvertLibrary& library() {
  static const ConvertLibrary instance;
  return instance;
}

}  // namespace

OSSL_LIB_CTX* convert_libctx() {
  OSSL_LIB_CTX* ctx = library().ctx();
  if (ctx == nullptr) {
    throw openssl_failure("could not load OpenSSL's default provider into the plugin's context");
  }
  return ctx;
}

bool legacy_provider_available() { return library().legacy(); }

std::string last_openssl_error() {
  const unsigned long code = ERR_peek_last_error();
  if (code == 0) return "unknown error";
  const char* reason = ERR_reason_error_string(code);
  if (reason != nullptr) return reason;
  char buffer[256];
  ERR_error_string_n(code, buffer, sizeof buffer);
  return buffer;
}

void append_pkcs8_pem(SecretString& out, EVP_PKEY* pkey) {
  OpenSslErrorScope errors;
  // The encoder hands over its output buffer, so the DER is wiped here (EVP_PKEY2PKCS8 would free
  // a copy of it unwiped).
  OpenSslPtr<OSSL_ENCODER_CTX, OSSL_ENCODER_CTX_free> encoder(
      OSSL_ENCODER_CTX_new_for_pkey(pkey, EVP_PKEY_KEYPAIR, "DER", "PrivateKeyInfo", nullptr));
  DerBuffer der;
  if (!encoder || OSSL_ENCODER_CTX_get_num_encoders(encoder.get()) == 0 ||
      OSSL_ENCODER_to_data(encoder.get(), &der.data, &der.size) != 1 || der.data == nullptr) {
    throw openssl_failure("could not encode the private key as PKCS#8: " + last_openssl_error());
  }
  append_pem(out, "PRIVATE KEY", der.view());
}

void append_certificate_pem(SecretString& out, X509* cert) {
  OpenSslErrorScope errors;
  DerBuffer der;
  const int len = i2d_X509(cert, &der.data);
  if (len <= 0) throw openssl_failure("could not encode a certificate: " + last_openssl_error());
  der.size = static_cast<std::size_t>(len);
  append_pem(out, "CERTIFICATE", der.view());
}

MountError content_error(const std::string& message) {
  return MountError(SSCSI_INVALID_PARAMETERS, message);
}

MountError openssl_failure(const std::string& what) {
  return MountError(SSCSI_INTERNAL, "OpenSSL failed: " + what);
}

}  // namespace sscsi::azure
