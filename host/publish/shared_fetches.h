#pragma once
// Shared fetches: pods whose requests are identical share one plugin call (issue 5), so that a
// rollout of 100 pods of one service account costs the secret store one read, not 100.
//
// Two mechanisms, both bounded by the share scope the plugin declared in its answer:
// - single flight: a call identical in everything (provider, parameters, namespace, service
//   account, nodePublishSecretRef contents) to one in progress waits for it and takes its answer;
// - kept answers: a successful answer is kept for a short window under the key its scope names
//   (NamespaceServiceAccount: + namespace and service account; SameSecrets: + secrets; Node:
//   provider and parameters only; Never: not kept), and a Throttled failure until its
//   retry_after, so a throttled backend is not asked again by every pod in turn.
//
// Keys hold SHA-256 digests (salted per process) of the parameters and secrets, never their
// values. Kept answers live in memory only, are wiped when released (mount::SecretBytes), are
// dropped at expiry by a sweeper thread and are bounded in count and bytes.

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <utility>

#include "plugins/provider.h"

namespace sscsi::publish {

// What identifies a request for sharing. Holds digests, never parameter or secret values.
class FetchKey {
 public:
  FetchKey() = default;
  FetchKey(std::string provider, std::string parameters_digest, std::string pod_namespace,
           std::string service_account, std::string secrets_digest);

  // Identical requests: the single-flight key.
  std::string full() const;
  // The key an answer with `scope` is kept under; nullopt for Never.
  std::optional<std::string> kept_under(plugins::ShareScope scope) const;

  const std::string& provider() const { return provider_; }

 private:
  std::string provider_;
  std::string parameters_digest_;
  std::string pod_namespace_;
  std::string service_account_;
  std::string secrets_digest_;
};

struct SharedFetchOptions {
  // How long a successful answer is reused for other pods' first mounts. Zero keeps nothing
  // (neither successes nor Throttled failures); identical concurrent calls still share one.
  std::chrono::milliseconds window = std::chrono::seconds(30);
  // Bounds on what is kept; beyond them the answers closest to expiry are dropped first, and an
  // answer larger than max_bytes on its own is not kept at all.
  std::size_t max_entries = 1024;
  std::size_t max_bytes = 64u << 20;
  // A Throttled failure is kept until its retry_after, but never longer than this, so a
  // confused plugin or backend cannot block mounts for hours.
  std::chrono::milliseconds max_throttle_hold = std::chrono::minutes(5);
  // Drop expired answers on a background thread (off in unit tests that drive the clock).
  bool sweep_in_background = true;
};

// How one fetch was answered (the metric's `result` label).
enum class FetchResult { Call, Shared, Waited };
const char* fetch_result_name(FetchResult result);

class SharedFetches {
 public:
  using Clock = std::chrono::system_clock;
  using Observer = std::function<void(const std::string& provider, FetchResult)>;

  struct Counts {
    std::uint64_t calls = 0;   // plugin calls made
    std::uint64_t shared = 0;  // answered from a kept answer
    std::uint64_t waited = 0;  // answered by an identical call that was in progress
  };

  explicit SharedFetches(SharedFetchOptions options, Observer observer = {},
                         std::function<Clock::time_point()> clock = Clock::now);
  ~SharedFetches();
  SharedFetches(const SharedFetches&) = delete;
  SharedFetches& operator=(const SharedFetches&) = delete;

  // The key of a request: the provider, the class `parameters` overlaid with the pod-supplied
  // volume attributes (they change what the plugin is asked for; the kubelet's per-pod
  // csi.storage.k8s.io/ keys are left out), the pod's namespace and service account (from the
  // volume context), and the nodePublishSecretRef contents `secrets` (without the
  // service-account tokens a kubelet may put there: they are per pod, and namespace and service
  // account stand for them).
  FetchKey key(const std::string& provider, const std::map<std::string, std::string>& parameters,
               const std::map<std::string, std::string>& volume_context,
               const std::map<std::string, std::string>& secrets) const;

  // Answers `call` for `key`: from a kept answer, from an identical call in progress, or by
  // calling `provider`. `fetched_after` (a refresh passes the time of the content it holds)
  // refuses kept answers and calls that started before it: they are no newer than that content.
  // Never throws; a waiter whose deadline passes first gets DeadlineExceeded, one whose
  // call.stop is requested first gets Cancelled. A leader's Cancelled is not its waiters' answer:
  // each then makes a call of its own.
  plugins::MountAnswer fetch(plugins::Provider& provider, const plugins::MountCall& call,
                             const FetchKey& key,
                             std::optional<Clock::time_point> fetched_after = std::nullopt);

  // Drops the kept answers whose time is up (the sweeper does this by itself).
  void drop_expired();

  Counts counts() const;
  // Callers now waiting for an identical call in progress.
  std::size_t waiting() const;
  std::size_t kept_count() const;
  std::size_t kept_bytes() const;

 private:
  struct Flight;
  struct Kept;

  // A kept answer that fits the key, or null.
  std::shared_ptr<const plugins::MountAnswer> find_kept_locked(
      const FetchKey& key, Clock::time_point now, std::optional<Clock::time_point> fetched_after);
  void keep_locked(const FetchKey& key, const std::shared_ptr<const plugins::MountAnswer>& answer,
                   Clock::time_point started, Clock::time_point now);
  void erase_locked(std::map<std::string, Kept>::iterator it);
  void drop_expired_locked(Clock::time_point now);
  plugins::MountAnswer call_plugin(plugins::Provider& provider, const plugins::MountCall& call);
  plugins::MountAnswer lead(plugins::Provider& provider, const plugins::MountCall& call,
                            const FetchKey& key, const std::string& full,
                            std::unique_lock<std::mutex>& lock);
  void remember_never_locked(const std::string& full, Clock::time_point now);
  void count(const FetchKey& key, FetchResult result);
  void sweep(std::stop_token stop);

  const SharedFetchOptions options_;
  const Observer observer_;
  const std::function<Clock::time_point()> clock_;
  std::string salt_;  // random per process: digests cannot be matched across hosts or dumps

  mutable std::mutex mutex_;
  std::condition_variable_any sweeper_wake_;  // an answer was kept: the earliest expiry may move
  std::uint64_t kept_generation_ = 0;         // counts keep_locked calls, for the sweeper
  std::map<std::string, std::shared_ptr<Flight>> flights_;      // by full key
  std::map<std::string, Kept> kept_;                            // by scope key
  std::set<std::pair<Clock::time_point, std::string>> expiry_;  // (expires, scope key)
  // Full keys whose last answer said Never, until when: their callers skip the single flight,
  // which would only make them wait for an answer they cannot use.
  std::map<std::string, Clock::time_point> never_until_;
  std::size_t kept_bytes_ = 0;
  std::size_t waiting_ = 0;
  Counts counts_;
  std::jthread sweeper_;  // last: stopped and joined before the members it uses go away
};

}  // namespace sscsi::publish
