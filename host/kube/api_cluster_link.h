#pragma once
// The cluster side of a mount, over the API server: the pod is checked before a first mount
// (it exists, has the request's uid, is not going away); after every successful mount or refresh
// the SecretProviderClassPodStatus is written and the class's secretObjects are synced; failed
// refreshes, failed syncs and completed rotations become events on the pod.

#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "kube/api_client.h"
#include "kube/cluster_link.h"
#include "kube/objects/pod_json.h"
#include "kube/sync/event_recorder.h"

namespace sscsi::kube {

class ApiClusterLink final : public ClusterLink {
 public:
  // `node_name` labels the pod statuses (the CSI node id). `api` and `events` must outlive this.
  ApiClusterLink(ApiClient& api, EventRecorder& events, std::string node_name);

  std::optional<LinkError> check_pod(const PodRef& pod) override;
  std::optional<LinkError> mounted(const MountedVolume& volume) override;
  void refresh_failed(const PodRef& pod, const std::string& message) override;

 private:
  // The pod as the API server has it, checked against `pod.uid`; remembered for the Secret
  // owners of later refreshes.
  std::optional<LinkError> read_pod(const PodRef& pod, PodInfo& out);
  std::optional<LinkError> sync_secrets(const MountedVolume& volume, const PodInfo& pod,
                                        const std::string& pod_status_uid);

  ApiClient& api_;
  EventRecorder& events_;
  const std::string node_name_;
  std::mutex mutex_;
  struct KnownPod {
    PodInfo info;
    std::chrono::steady_clock::time_point read_at;
  };
  std::map<std::string, KnownPod> pods_;  // by uid
};

}  // namespace sscsi::kube
