#include "http/curl_handle_pool.h"

#include <stdexcept>
#include <string>

namespace sscsi::azure {
namespace {

// curl_global_init once per process before the first handle; never undone, since the host or
// another plugin may use libcurl too (it is reference counted inside libcurl).
void init_curl_once() {
  static const CURLcode result = curl_global_init(CURL_GLOBAL_DEFAULT);
  if (result != CURLE_OK) {
    throw std::runtime_error(std::string("libcurl could not initialise: ") +
                             curl_easy_strerror(result));
  }
}

}  // namespace

CurlHandlePool::CurlHandlePool(std::size_t max_idle) : max_idle_(max_idle) {
  init_curl_once();
  share_ = curl_share_init();
  if (share_ == nullptr) throw std::runtime_error("libcurl could not create a share handle");
  curl_share_setopt(share_, CURLSHOPT_LOCKFUNC, &CurlHandlePool::lock);
  curl_share_setopt(share_, CURLSHOPT_UNLOCKFUNC, &CurlHandlePool::unlock);
  curl_share_setopt(share_, CURLSHOPT_USERDATA, this);
  curl_share_setopt(share_, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
}

CurlHandlePool::~CurlHandlePool() {
  for (CURL* handle : idle_) curl_easy_cleanup(handle);
  idle_.clear();
  // Every lease has ended (the client outlives its requests), so no handle uses the share.
  curl_share_cleanup(share_);
}

void CurlHandlePool::lock(CURL*, curl_lock_data data, curl_lock_access, void* user) {
  auto* pool = static_cast<CurlHandlePool*>(user);
  pool->share_locks_[static_cast<std::size_t>(data) % CURL_LOCK_DATA_LAST].lock();
}

void CurlHandlePool::unlock(CURL*, curl_lock_data data, void* user) {
  auto* pool = static_cast<CurlHandlePool*>(user);
  pool->share_locks_[static_cast<std::size_t>(data) % CURL_LOCK_DATA_LAST].unlock();
}

CurlHandlePool::Lease CurlHandlePool::take() {
  CURL* handle = nullptr;
  {
    std::lock_guard guard(mutex_);
    if (!idle_.empty()) {
      handle = idle_.back();
      idle_.pop_back();
    }
  }
  if (handle == nullptr) {
    handle = curl_easy_init();
    if (handle == nullptr) throw std::runtime_error("libcurl could not create a handle");
  }
  // curl_easy_reset keeps the share, but setting it again costs nothing and keeps this
  // independent of that detail.
  curl_easy_setopt(handle, CURLOPT_SHARE, share_);
  return Lease(*this, handle);
}

std::size_t CurlHandlePool::idle() const {
  std::lock_guard guard(mutex_);
  return idle_.size();
}

void CurlHandlePool::give_back(CURL* handle) {
  // Options back to defaults so no idle handle points into the frame that set them (error
  // buffer, header list, body, CA blob); open connections and caches stay.
  curl_easy_reset(handle);
  {
    std::lock_guard guard(mutex_);
    if (idle_.size() < max_idle_) {
      idle_.push_back(handle);
      return;
    }
  }
  curl_easy_cleanup(handle);
}

}  // namespace sscsi::azure
