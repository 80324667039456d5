#include "http/trust_store.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>

#include <memory>
#include <new>
#include <stdexcept>

#include <fmt/format.h>

#include "http/ca_bundle.h"

namespace sscsi::azure {
namespace {

// The first queued OpenSSL error as text (and the queue cleared), for messages.
std::string openssl_error() {
  const unsigned long code = ERR_peek_last_error();
  std::string text = "unknown OpenSSL error";
  if (code != 0) {
    char buffer[256] = {};
    ERR_error_string_n(code, buffer, sizeof buffer);
    text = buffer;
  }
  ERR_clear_error();
  return text;
}

struct BioDeleter {
  void operator()(BIO* bio) const { BIO_free(bio); }
};
struct InfoStackDeleter {
  void operator()(STACK_OF(X509_INFO) * infos) const {
    sk_X509_INFO_pop_free(infos, X509_INFO_free);
  }
};

// Adds every certificate of `pem` to `store`; the number added, or -1 with `why` set.
long add_pem(X509_STORE* store, const std::string& pem, std::string& why) {
  std::unique_ptr<BIO, BioDeleter> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!bio) throw std::bad_alloc();
  std::unique_ptr<STACK_OF(X509_INFO), InfoStackDeleter> infos(
      PEM_X509_INFO_read_bio(bio.get(), nullptr, nullptr, nullptr));
  if (!infos) {
    why = openssl_error();
    return -1;
  }
  long added = 0;
  for (int i = 0; i < sk_X509_INFO_num(infos.get()); ++i) {
    X509* cert = sk_X509_INFO_value(infos.get(), i)->x509;
    if (cert == nullptr) continue;
    // Takes its own reference; a certificate already present (caFile repeating a system CA)
    // is not an error in OpenSSL 3.
    if (X509_STORE_add_cert(store, cert) != 1) {
      why = openssl_error();
      return -1;
    }
    ++added;
  }
  return added;
}

}  // namespace

TrustStore::TrustStore(const HttpClientOptions& options) {
  // Read and check caFile before anything else: its errors are the ones the user can fix.
  const std::string extra = read_ca_file(options);
  store_ = X509_STORE_new();
  if (store_ == nullptr) throw std::bad_alloc();
  try {
    if (options.use_system_store) {
      if (options.system_ca_bundle.empty()) {
        problem_ = "no system CA bundle is configured";
      } else if (X509_STORE_load_file(store_, options.system_ca_bundle.c_str()) != 1) {
        problem_ = fmt::format("the system CA bundle {} could not be loaded: {}",
                               options.system_ca_bundle, openssl_error());
      }
      size_ = static_cast<std::size_t>(sk_X509_OBJECT_num(X509_STORE_get0_objects(store_)));
    }
    if (!extra.empty()) {
      std::string why;
      const long added = add_pem(store_, extra, why);
      if (added <= 0) {
        throw std::invalid_argument(
            fmt::format("caFile {}: no certificate OpenSSL can read in it{}{}", options.ca_file,
                        added < 0 ? ": " : "", why));
      }
      size_ = static_cast<std::size_t>(sk_X509_OBJECT_num(X509_STORE_get0_objects(store_)));
    }
  } catch (...) {
    X509_STORE_free(store_);
    throw;
  }
}

TrustStore::~TrustStore() { X509_STORE_free(store_); }

CURLcode TrustStore::install(CURL*, void* ssl_ctx, void* self) {
  // SSL_CTX_set1_cert_store takes its own reference and drops the empty store libcurl made.
  SSL_CTX_set1_cert_store(static_cast<SSL_CTX*>(ssl_ctx),
                          static_cast<const TrustStore*>(self)->store_);
  return CURLE_OK;
}

CURLcode TrustStore::apply(CURL* handle) const {
  const auto first_error = [](std::initializer_list<CURLcode> codes) {
    for (const CURLcode code : codes) {
      if (code != CURLE_OK) return code;
    }
    return CURLE_OK;
  };
  return first_error({
      curl_easy_setopt(handle, CURLOPT_SSL_VERIFYPEER, 1L),
      curl_easy_setopt(handle, CURLOPT_SSL_VERIFYHOST, 2L),
      // Nothing for libcurl to load itself: the store below is the whole trust.
      curl_easy_setopt(handle, CURLOPT_CAINFO, static_cast<const char*>(nullptr)),
      curl_easy_setopt(handle, CURLOPT_CAPATH, static_cast<const char*>(nullptr)),
      curl_easy_setopt(handle, CURLOPT_SSL_CTX_FUNCTION, &TrustStore::install),
      curl_easy_setopt(handle, CURLOPT_SSL_CTX_DATA, const_cast<TrustStore*>(this)),
  });
}

}  // namespace sscsi::azure
