#pragma once
// The CAs the HTTP client trusts, parsed once per client into one OpenSSL X509_STORE that every
// new TLS connection uses (CURLOPT_SSL_CTX_FUNCTION). Handing libcurl a CA file or blob instead
// makes OpenSSL parse the whole bundle (~145 system certificates) again for each connection it
// opens: most of the CPU time of a cold mount that opens one connection per parallel fetch.
// Trust = the system bundle (unless use_system_store is false) plus caFile (ca_bundle.h).

#include <curl/curl.h>
#include <openssl/x509.h>

#include <cstddef>
#include <string>

#include "http/http_client_options.h"

namespace sscsi::azure {

class TrustStore {
 public:
  // Throws std::invalid_argument as read_ca_file does, and when caFile holds a certificate
  // OpenSSL cannot parse. An unreadable system bundle is not fatal (caFile alone may be all a
  // private cloud or a test needs); problem() then says why it is missing.
  explicit TrustStore(const HttpClientOptions& options);
  ~TrustStore();
  TrustStore(const TrustStore&) = delete;
  TrustStore& operator=(const TrustStore&) = delete;

  // Certificates in the store.
  std::size_t size() const { return size_; }
  // Why the system bundle could not be loaded; "" when it was (or was not wanted).
  const std::string& problem() const { return problem_; }

  // Points a libcurl handle at this store: no CA file or directory of libcurl's own, peer and
  // host name verified. The store must outlive every transfer made with the handle.
  CURLcode apply(CURL* handle) const;

 private:
  static CURLcode install(CURL* handle, void* ssl_ctx, void* self);

  X509_STORE* store_ = nullptr;
  std::size_t size_ = 0;
  std::string problem_;
};

}  // namespace sscsi::azure
