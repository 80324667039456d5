#pragma once
// The publish pipeline: resolve the SecretProviderClass, choose the provider, mount the tmpfs,
// call the provider, write the files atomically and record the mount. A failed first mount
// leaves nothing behind; a failed refresh keeps the old content.

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <stop_token>

#include "kube/cluster_link.h"
#include "kube/spc_source.h"
#include "mount/payload_check.h"
#include "mount/state_store.h"
#include "mount/target_locks.h"
#include "plugins/registry.h"
#include "publish/publish_metrics.h"
#include "publish/publisher.h"
#include "publish/refresh_observer.h"
#include "publish/remembered_requests.h"
#include "publish/shared_fetches.h"

namespace sscsi::publish {

struct PipelineOptions {
  std::uint64_t tmpfs_size_bytes = 64ull * 1024 * 1024;
  mount::WriteLimits write_limits;
  // With rotation on, a republish of a mounted volume refreshes it at most once per interval;
  // with rotation off it is answered Ok at once (idempotent).
  bool rotation_enabled = false;
  std::chrono::milliseconds rotation_poll_interval = std::chrono::minutes(2);
  // One plugin call for identical requests (--shared-fetch-window and bounds).
  SharedFetchOptions shared_fetches;
};

class Pipeline final : public Publisher, public Refresher {
 public:
  Pipeline(PipelineOptions options, kube::SpcSource& classes, kube::ClusterLink& cluster,
           plugins::Registry& providers, mount::StateStore& state, PublishMetrics& metrics);

  Status publish(const PublishRequest& request,
                 std::chrono::system_clock::time_point deadline) override;
  Status unpublish(const std::string& volume_id, const std::string& target_path) override;
  RefreshOutcome refresh(const std::string& target_path, bool force) override;

  // Attaches (or, with null, detaches) the scheduler told about mounts, refreshes and failures;
  // it is told at once about every target already remembered. The observer must stay valid
  // until it is detached.
  void observe(RefreshObserver* observer);

 private:
  struct Resolved;  // the class, the provider and what the provider is sent

  Status resolve(const PublishRequest& request, Resolved& out);
  Status first_mount(const PublishRequest& request, std::chrono::system_clock::time_point deadline);
  RefreshOutcome refresh(const PublishRequest& request, mount::MountRecord record,
                         std::chrono::system_clock::time_point deadline);
  // Whether a refresh of the mounted target is due: the poll interval has passed since its last
  // refresh and it is not backing off after a failure.
  bool refresh_due(const mount::MountRecord& record);
  // Remembers the request the target is now published with and tells the observer.
  void remember(const PublishRequest& request);
  // Calls the attached observer, if any, holding observer_mutex_ (so detaching waits for it).
  void notify(const std::function<void(RefreshObserver&)>& call);
  Status unpublish_locked(const std::string& target_path);
  // Tells the cluster about a written mount; times the Secret sync it includes.
  std::optional<kube::LinkError> report_mount(const kube::MountedVolume& volume);

  PipelineOptions options_;
  kube::SpcSource& classes_;
  kube::ClusterLink& cluster_;
  plugins::Registry& providers_;
  mount::StateStore& state_;
  PublishMetrics& metrics_;
  mount::TargetLocks locks_;
  SharedFetches fetches_;  // after metrics_, which it reports to
  RememberedRequests remembered_;
  std::mutex observer_mutex_;
  RefreshObserver* observer_ = nullptr;
  // When a refresh that changed nothing last ran, per target: such a refresh does not rewrite
  // the mount record (so a rotation cycle over unchanged mounts writes nothing to disk).
  std::mutex quiet_mutex_;
  std::map<std::string, std::chrono::system_clock::time_point> quiet_refreshes_;
  // The provider call of each refresh in progress, by target: an unpublish stops it rather than
  // wait for the target's lock until a hung plugin's deadline (a minute for a scheduled refresh).
  std::mutex refresh_stops_mutex_;
  std::map<std::string, std::stop_source> refresh_stops_;
};

}  // namespace sscsi::publish
