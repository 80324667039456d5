#pragma once
// What every OpenSSL-using conversion shares: the plugin's private library context, owning
// pointers for OpenSSL objects, error-queue hygiene and PEM output of keys.
//
// The library context is private so that loading the "legacy" provider (RC2 and friends, needed
// for PKCS#12 files Key Vault and Windows still produce) never changes what the host process or
// libcurl get from OpenSSL's process-wide default context.

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pkcs12.h>
#include <openssl/x509.h>

#include <memory>
#include <string>
#include <string_view>

#include "common/mount_error.h"
#include "common/secret_string.h"

namespace sscsi::azure {

// The context with the "default" and (when the module is installed) "legacy" providers; created
// once, released when the plugin is unloaded. Throws MountError (SSCSI_INTERNAL) if even the
// default provider cannot be loaded.
OSSL_LIB_CTX* convert_libctx();
bool legacy_provider_available();

template <auto Free>
struct OpenSslDeleter {
  template <typename T>
  void operator()(T* p) const noexcept {
    Free(p);
  }
};
template <typename T, auto Free>
using OpenSslPtr = std::unique_ptr<T, OpenSslDeleter<Free>>;

using EvpPkeyPtr = OpenSslPtr<EVP_PKEY, EVP_PKEY_free>;
using EvpPkeyCtxPtr = OpenSslPtr<EVP_PKEY_CTX, EVP_PKEY_CTX_free>;
using X509Ptr = OpenSslPtr<X509, X509_free>;
using Pkcs12Ptr = OpenSslPtr<PKCS12, PKCS12_free>;
using Pkcs8Ptr = OpenSslPtr<PKCS8_PRIV_KEY_INFO, PKCS8_PRIV_KEY_INFO_free>;

// Everything this object's lifetime pushes onto the thread's OpenSSL error queue is removed when
// it ends, so failures inside a conversion never surface in the host's or libcurl's later
// ERR_get_error calls.
class OpenSslErrorScope {
 public:
  OpenSslErrorScope() { ERR_set_mark(); }
  ~OpenSslErrorScope() { ERR_pop_to_mark(); }
  OpenSslErrorScope(const OpenSslErrorScope&) = delete;
  OpenSslErrorScope& operator=(const OpenSslErrorScope&) = delete;
};

// Memory OpenSSL allocated for DER output (i2d_*, OSSL_ENCODER_to_data), wiped before release.
struct DerBuffer {
  unsigned char* data = nullptr;
  std::size_t size = 0;
  DerBuffer() = default;
  DerBuffer(const DerBuffer&) = delete;
  DerBuffer& operator=(const DerBuffer&) = delete;
  ~DerBuffer() {
    if (data != nullptr) OPENSSL_clear_free(data, size);
  }
  std::string_view view() const { return {reinterpret_cast<const char*>(data), size}; }
};

// The reason text of the newest queued OpenSSL error ("unknown error" when the queue is empty).
std::string last_openssl_error();

// `pkey` as an unencrypted PKCS#8 "PRIVATE KEY" PEM block appended to `out`; intermediate DER is
// wiped. Throws MountError (SSCSI_INTERNAL) if OpenSSL cannot encode it.
void append_pkcs8_pem(SecretString& out, EVP_PKEY* pkey);

// DER of `cert` appended to `out` as a "CERTIFICATE" PEM block.
void append_certificate_pem(SecretString& out, X509* cert);

// A conversion failed because of the object's content (retrying will not help until the object
// in Key Vault or the SecretProviderClass changes).
MountError content_error(const std::string& message);
// OpenSSL itself failed (allocation, missing provider).
MountError openssl_failure(const std::string& what);

}  // namespace sscsi::azure
