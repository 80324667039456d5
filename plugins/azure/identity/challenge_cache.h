#pragma once
// The token scope each vault asked for in its challenge, remembered across mounts so later
// mounts send their first request with a token instead of paying an unauthenticated round
// trip. Learning is single-flight per vault: while one mount's first request is out without a
// token, other mounts of the same vault wait for its answer instead of each collecting a 401.
// A 401 with a challenge later (the vault moved, the scope changed) re-learns it.
// Thread-safe.

#include <condition_variable>
#include <cstddef>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "http/call_control.h"

namespace sscsi::azure {

class ChallengeCache {
 public:
  explicit ChallengeCache(std::size_t max_vaults = 4096);

  std::optional<std::string> find(std::string_view vault_url) const;
  void remember(std::string_view vault_url, std::string scope);
  void forget(std::string_view vault_url);
  std::size_t size() const;

  // Ends a learner's claim when it goes out of scope without remember() (an error, an answer
  // without a challenge), so waiters go ahead on their own.
  class LearnClaim {
   public:
    LearnClaim() = default;
    LearnClaim(ChallengeCache* cache, std::string key) : cache_(cache), key_(std::move(key)) {}
    LearnClaim(LearnClaim&& other) noexcept : cache_(other.cache_), key_(std::move(other.key_)) {
      other.cache_ = nullptr;
    }
    LearnClaim& operator=(LearnClaim&& other) noexcept;
    LearnClaim(const LearnClaim&) = delete;
    LearnClaim& operator=(const LearnClaim&) = delete;
    ~LearnClaim() { release(); }

    bool held() const { return cache_ != nullptr; }
    // Stores the scope and wakes the waiters.
    void complete(std::string scope);
    void release();

   private:
    ChallengeCache* cache_ = nullptr;
    std::string key_;
  };

  struct Lookup {
    std::optional<std::string> scope;  // known: send with a token for it
    LearnClaim claim;                  // held: this caller learns the scope
  };

  // The vault's scope if known. If another caller is learning it, waits (until it finishes or
  // `control` stops) and looks again. Otherwise this caller becomes the learner (claim held).
  // When `control` stops while waiting, returns neither: the caller's next request fails fast.
  Lookup scope_or_learn(std::string_view vault_url, const CallControl& control);

 private:
  static std::string key_of(std::string_view vault_url);
  void store_locked(const std::string& key, std::string scope);
  void end_learning(const std::string& key);

  const std::size_t max_vaults_;
  mutable std::mutex mutex_;
  std::condition_variable learned_;
  std::map<std::string, std::string, std::less<>> scopes_;
  std::set<std::string, std::less<>> learning_;  // vaults whose scope is being learned
};

}  // namespace sscsi::azure
