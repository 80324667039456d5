#pragma once
// Tokens shared across mounts of the same identity, so pods of one workload that mount at the
// same time (or within a token's lifetime) cost one token request instead of one each.
//
// The key names everything the token depends on: the authority (or IMDS/NMI endpoint), the
// tenant, the identity (client ID, user-assigned identity, or pod), the mode, the
// service-account subject ("namespace/name") for workload identity and identity binding, the
// scope, and a hash of the credential where the same names could carry different proof (a
// service principal's secret; a service-account token whose subject is not known).
//
// A token is reused until min(5 minutes, half its lifetime) before it expires. Fetching is
// single-flight per key: concurrent callers wait for the one request in flight. When a refresh
// fails for a reason that may pass (throttled, unavailable) and the old token has not expired
// yet, the old token is returned. Thread-safe; tokens are SecretStrings and never logged.

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include <sscsi/provider.h>

#include "http/call_control.h"
#include "identity/access_token.h"

namespace sscsi::azure {

struct TokenCacheKey {
  std::string authority;
  std::string tenant;
  std::string identity;
  std::string mode;
  std::string subject;
  std::string scope;
  std::string credential_hash;

  // Unambiguous (length-prefixed) concatenation of the fields.
  std::string serialize() const;
};

class TokenCache {
 public:
  using Clock = std::function<std::chrono::system_clock::time_point()>;
  using Fetch = std::function<AccessToken(const CallControl&)>;

  explicit TokenCache(std::size_t max_entries = 4096,
                      Clock clock = &std::chrono::system_clock::now);

  // A cached token still fresh enough, or the result of `fetch` (run once for all concurrent
  // callers of the key). refresh: the caller's last token was refused; fetch a new one (joining
  // a fetch already in flight). Exceptions from `fetch` reach every caller waiting on it,
  // except that waiters of a fetch stopped by its own caller's deadline fetch for themselves.
  // Throws MountError (SSCSI_DEADLINE_EXCEEDED) when `control` stops while waiting.
  AccessToken get(const TokenCacheKey& key, const Fetch& fetch, const CallControl& control,
                  bool refresh = false);

  void invalidate(const TokenCacheKey& key);
  std::size_t size() const;

  // When a token obtained at `obtained` and expiring at `expires_on` should be replaced.
  static std::chrono::system_clock::time_point refresh_at(
      std::chrono::system_clock::time_point obtained,
      std::chrono::system_clock::time_point expires_on);

 private:
  // A failed fetch as a value: each waiter throws its own MountError made from it. Rethrowing
  // one exception object on several threads would share it (and its reference-counted message)
  // between them.
  struct Failure {
    sscsi_status code = SSCSI_INTERNAL;
    std::string message;
    std::uint32_t retry_after_ms = 0;
  };
  struct Flight {
    bool done = false;
    std::optional<AccessToken> token;
    std::optional<Failure> failure;
    bool fetcher_stopped = false;  // its own deadline or cancellation ended it
  };
  struct Entry {
    std::optional<AccessToken> token;
    std::chrono::system_clock::time_point refresh_at;
    std::shared_ptr<Flight> flight;
  };

  AccessToken run_fetch(std::unique_lock<std::mutex>& lock, const std::string& key,
                        const Fetch& fetch, const CallControl& control, bool refresh);
  void trim_locked(std::chrono::system_clock::time_point now);

  const std::size_t max_entries_;
  const Clock clock_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::map<std::string, Entry> entries_;
};

}  // namespace sscsi::azure
