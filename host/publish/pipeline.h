#pragma once
// The publish pipeline: resolve the SecretProviderClass, choose the provider, mount the tmpfs,
// call the provider, write the files atomically and record the mount. A failed first mount
// leaves nothing behind; a failed refresh keeps the old content.

#include <chrono>
#include <cstdint>
#include <optional>

#include "kube/cluster_link.h"
#include "kube/spc_source.h"
#include "mount/payload_check.h"
#include "mount/state_store.h"
#include "mount/target_locks.h"
#include "plugins/registry.h"
#include "publish/publish_metrics.h"
#include "publish/publisher.h"

namespace sscsi::publish {

struct PipelineOptions {
  std::uint64_t tmpfs_size_bytes = 64ull * 1024 * 1024;
  mount::WriteLimits write_limits;
  // With rotation on, a republish of a mounted volume refreshes it at most once per interval;
  // with rotation off it is answered Ok at once (idempotent).
  bool rotation_enabled = false;
  std::chrono::milliseconds rotation_poll_interval = std::chrono::minutes(2);
};

class Pipeline final : public Publisher {
 public:
  Pipeline(PipelineOptions options, kube::SpcSource& classes, kube::ClusterLink& cluster,
           plugins::Registry& providers, mount::StateStore& state, PublishMetrics& metrics);

  Status publish(const PublishRequest& request,
                 std::chrono::system_clock::time_point deadline) override;
  Status unpublish(const std::string& volume_id, const std::string& target_path) override;

 private:
  struct Resolved;  // the class, the provider and what the provider is sent

  Status resolve(const PublishRequest& request, Resolved& out);
  Status first_mount(const PublishRequest& request, std::chrono::system_clock::time_point deadline);
  Status refresh(const PublishRequest& request, mount::MountRecord record,
                 std::chrono::system_clock::time_point deadline);
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
};

}  // namespace sscsi::publish
