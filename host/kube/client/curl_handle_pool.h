#pragma once
// A few libcurl easy handles kept between requests: a handle keeps its connection (and TLS
// session) open, so the next request on it skips the TCP and TLS handshakes. Concurrent
// requests get a handle each; the pool only bounds how many idle ones it keeps.

#include <curl/curl.h>

#include <cstddef>
#include <mutex>
#include <vector>

namespace sscsi::kube {

class CurlHandlePool {
 public:
  explicit CurlHandlePool(std::size_t max_idle);
  ~CurlHandlePool();
  CurlHandlePool(const CurlHandlePool&) = delete;
  CurlHandlePool& operator=(const CurlHandlePool&) = delete;

  // An easy handle with default options (its open connections kept), returned to the pool
  // when the lease ends.
  class Lease {
   public:
    Lease(CurlHandlePool& pool, CURL* handle) : pool_(&pool), handle_(handle) {}
    ~Lease() { pool_->give_back(handle_); }
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    CURL* get() const { return handle_; }

   private:
    CurlHandlePool* pool_;
    CURL* handle_;
  };

  // Throws std::runtime_error when libcurl cannot make a handle (out of memory).
  Lease take();

 private:
  void give_back(CURL* handle);

  const std::size_t max_idle_;
  std::mutex mutex_;
  std::vector<CURL*> idle_;
};

}  // namespace sscsi::kube
