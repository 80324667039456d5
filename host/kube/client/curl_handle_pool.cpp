#include "kube/client/curl_handle_pool.h"

#include <stdexcept>

namespace sscsi::kube {
namespace {

// curl_global_init once per process, before the first handle. Never undone: other parts of the
// process (or a later client) may still use libcurl.
void init_curl_once() {
  static const CURLcode result = curl_global_init(CURL_GLOBAL_DEFAULT);
  if (result != CURLE_OK) {
    throw std::runtime_error(std::string("libcurl could not initialise: ") +
                             curl_easy_strerror(result));
  }
}

}  // namespace

CurlHandlePool::CurlHandlePool(std::size_t max_idle) : max_idle_(max_idle) { init_curl_once(); }

CurlHandlePool::~CurlHandlePool() {
  for (CURL* handle : idle_) curl_easy_cleanup(handle);
}

CurlHandlePool::Lease CurlHandlePool::take() {
  CURL* handle = nullptr;
  {
    std::lock_guard lock(mutex_);
    if (!idle_.empty()) {
      handle = idle_.back();
      idle_.pop_back();
    }
  }
  if (handle == nullptr) {
    handle = curl_easy_init();
    if (handle == nullptr) throw std::runtime_error("libcurl could not create a handle");
  }
  return Lease(*this, handle);
}

void CurlHandlePool::give_back(CURL* handle) {
  // Options back to defaults, so no idle handle points into the frame that set them (error
  // buffer, header list, key blobs); open connections and TLS sessions stay.
  curl_easy_reset(handle);
  {
    std::lock_guard lock(mutex_);
    if (idle_.size() < max_idle_) {
      idle_.push_back(handle);
      return;
    }
  }
  curl_easy_cleanup(handle);
}

}  // namespace sscsi::kube
