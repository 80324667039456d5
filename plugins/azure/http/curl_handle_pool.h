#pragma once
// libcurl easy handles kept between requests, so connections (and TLS sessions) outlive one
// mount: a handle keeps its open connections, and the next request on it, from any mount,
// skips the TCP and TLS handshakes. Handles are handed out last-in first-out, so a run of
// requests reuses the warmest one. All handles also share one DNS cache (a CURLSH with
// locks). Connections are not shared through the CURLSH (libcurl calls that unsafe across
// threads), and neither are TLS sessions: OpenSSL frees a shared session under its own
// reference count, which ThreadSanitizer cannot see, and the open connections the pool keeps
// already spare the handshakes that matter.

#include <curl/curl.h>

#include <array>
#include <cstddef>
#include <mutex>
#include <vector>

namespace sscsi::azure {

class CurlHandlePool {
 public:
  explicit CurlHandlePool(std::size_t max_idle);
  ~CurlHandlePool();
  CurlHandlePool(const CurlHandlePool&) = delete;
  CurlHandlePool& operator=(const CurlHandlePool&) = delete;

  class Lease {
   public:
    Lease(CurlHandlePool& pool, CURL* handle) : pool_(&pool), handle_(handle) {}
    ~Lease() {
      if (handle_ != nullptr) pool_->give_back(handle_);
    }
    Lease(Lease&& other) noexcept : pool_(other.pool_), handle_(other.handle_) {
      other.handle_ = nullptr;
    }
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    Lease& operator=(Lease&&) = delete;
    CURL* get() const { return handle_; }

   private:
    CurlHandlePool* pool_;
    CURL* handle_;
  };

  // A handle with default options plus the shared caches. Throws std::runtime_error when
  // libcurl cannot make one.
  Lease take();

  // Idle handles right now (tests).
  std::size_t idle() const;

 private:
  void give_back(CURL* handle);
  static void lock(CURL*, curl_lock_data data, curl_lock_access, void* user);
  static void unlock(CURL*, curl_lock_data data, void* user);

  const std::size_t max_idle_;
  CURLSH* share_ = nullptr;
  // One mutex per kind of shared data, as libcurl asks.
  std::array<std::mutex, CURL_LOCK_DATA_LAST> share_locks_;
  mutable std::mutex mutex_;
  std::vector<CURL*> idle_;
};

}  // namespace sscsi::azure
