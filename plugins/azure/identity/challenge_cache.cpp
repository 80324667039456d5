#include "identity/challenge_cache.h"

#include <chrono>

#include "http/url.h"

namespace sscsi::azure {

ChallengeCache::ChallengeCache(std::size_t max_vaults) : max_vaults_(max_vaults) {}

std::string ChallengeCache::key_of(std::string_view vault_url) {
  // One entry per origin: "https://V.vault.azure.net/" and "https://v.vault.azure.net" are
  // the same vault.
  if (const auto url = parse_url(vault_url)) return origin_of(*url);
  return std::string(vault_url);
}

std::optional<std::string> ChallengeCache::find(std::string_view vault_url) const {
  const std::string key = key_of(vault_url);
  std::lock_guard guard(mutex_);
  const auto found = scopes_.find(key);
  if (found == scopes_.end()) return std::nullopt;
  return found->second;
}

void ChallengeCache::store_locked(const std::string& key, std::string scope) {
  if (scopes_.size() >= max_vaults_ && scopes_.find(key) == scopes_.end() && !scopes_.empty()) {
    scopes_.erase(scopes_.begin());  // bounded; any victim re-learns with one extra request
  }
  scopes_[key] = std::move(scope);
}

void ChallengeCache::remember(std::string_view vault_url, std::string scope) {
  const std::string key = key_of(vault_url);
  {
    std::lock_guard guard(mutex_);
    store_locked(key, std::move(scope));
  }
  learned_.notify_all();
}

void ChallengeCache::forget(std::string_view vault_url) {
  const std::string key = key_of(vault_url);
  std::lock_guard guard(mutex_);
  scopes_.erase(key);
}

std::size_t ChallengeCache::size() const {
  std::lock_guard guard(mutex_);
  return scopes_.size();
}

void ChallengeCache::end_learning(const std::string& key) {
  {
    std::lock_guard guard(mutex_);
    learning_.erase(key);
  }
  learned_.notify_all();
}

ChallengeCache::Lookup ChallengeCache::scope_or_learn(std::string_view vault_url,
                                                      const CallControl& control) {
  const std::string key = key_of(vault_url);
  std::unique_lock lock(mutex_);
  while (true) {
    if (const auto found = scopes_.find(key); found != scopes_.end()) {
      return Lookup{found->second, LearnClaim()};
    }
    if (learning_.find(key) == learning_.end()) {
      learning_.insert(key);
      return Lookup{std::nullopt, LearnClaim(this, key)};
    }
    if (control.stop_requested()) return Lookup{};
    learned_.wait_for(lock, std::chrono::milliseconds(50));
  }
}

ChallengeCache::LearnClaim& ChallengeCache::LearnClaim::operator=(LearnClaim&& other) noexcept {
  if (this != &other) {
    release();
    cache_ = other.cache_;
    key_ = std::move(other.key_);
    other.cache_ = nullptr;
  }
  return *this;
}

void ChallengeCache::LearnClaim::complete(std::string scope) {
  if (cache_ == nullptr) return;
  {
    std::lock_guard guard(cache_->mutex_);
    cache_->store_locked(key_, std::move(scope));
    cache_->learning_.erase(key_);
  }
  cache_->learned_.notify_all();
  cache_ = nullptr;
}

void ChallengeCache::LearnClaim::release() {
  if (cache_ == nullptr) return;
  cache_->end_learning(key_);
  cache_ = nullptr;
}

}  // namespace sscsi::azure
