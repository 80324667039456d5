#include "kube/api_cluster_link.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>

#include "kube/objects/api_paths.h"
#include "kube/objects/event.h"
#include "kube/objects/json_fields.h"
#include "kube/objects/pod_status.h"
#include "kube/objects/spc_json.h"
#include "kube/sync/pod_status_writer.h"
#include "kube/sync/secret_builder.h"
#include "kube/sync/secret_sync.h"

namespace sscsi::kube {
namespace {

// A pod's owners rarely change; a refresh re-reads the pod after this long.
constexpr auto kPodFreshFor = std::chrono::minutes(10);

LinkError::Kind kind_for(long status) {
  if (status == 404) return LinkError::Kind::NotFound;
  if (status == 401 || status == 403) return LinkError::Kind::Forbidden;
  return LinkError::Kind::Unavailable;
}

}  // namespace

ApiClusterLink::ApiClusterLink(ApiClient& api, EventRecorder& events, std::string node_name)
    : api_(api), events_(events), node_name_(std::move(node_name)) {}

std::optional<LinkError> ApiClusterLink::read_pod(const PodRef& pod, PodInfo& out) {
  if (pod.namespace_name.empty() || pod.name.empty() || pod.uid.empty()) {
    return LinkError{LinkError::Kind::Invalid, "PodNotFound",
                     "the request does not name its pod (volume_context needs "
                     "csi.storage.k8s.io/pod.name, pod.namespace and pod.uid; the CSIDriver "
                     "object must set podInfoOnMount: true)"};
  }
  const std::string what = fmt::format("Pod {}/{}", pod.namespace_name, pod.name);
  const ApiResponse response =
      api_.send({"GET", pod_path(pod.namespace_name, pod.name), "", "", what});
  if (response.status == 404) {
    return LinkError{LinkError::Kind::NotFound, "PodNotFound",
                     fmt::format("{} not found in the API server", what)};
  }
  if (!response.ok()) {
    return LinkError{kind_for(response.status), "PodNotFound", response.error};
  }
  try {
    const auto object = nlohmann::json::parse(response.body);
    out = parse_pod(object, what);
  } catch (const std::exception& e) {
    return LinkError{LinkError::Kind::Unavailable, "PodNotFound",
                     fmt::format("{}: unusable answer from the API server: {}", what, e.what())};
  }
  if (out.uid != pod.uid) {
    return LinkError{
        LinkError::Kind::Mismatch, "UnexpectedTargetPath",
        fmt::format("{} has uid {}, but the request is for pod uid {}", what, out.uid, pod.uid)};
  }
  // The kubelet only asks for its own pods, in their own names. A request that does not is not
  // the kubelet's: refuse it before its service account picks a shared answer or a token.
  if (!node_name_.empty() && !out.node_name.empty() && out.node_name != node_name_) {
    return LinkError{LinkError::Kind::Mismatch, "PodNotFound",
                     fmt::format("{} is scheduled to node {}, not to this node ({})", what,
                                 out.node_name, node_name_)};
  }
  if (!pod.service_account.empty() && !out.service_account.empty() &&
      out.service_account != pod.service_account) {
    return LinkError{LinkError::Kind::Mismatch, "PodNotFound",
                     fmt::format("{} runs as service account {}, but the request names service "
                                 "account {}",
                                 what, out.service_account, pod.service_account)};
  }
  if (out.terminating || out.phase == "Succeeded" || out.phase == "Failed") {
    return LinkError{LinkError::Kind::Mismatch, "PodNotFound",
                     fmt::format("{} is {}; not mounting for it", what,
                                 out.terminating ? "terminating" : out.phase)};
  }
  std::lock_guard lock(mutex_);
  const auto now = std::chrono::steady_clock::now();
  std::erase_if(pods_,
                [&](const auto& entry) { return now - entry.second.read_at > kPodFreshFor; });
  pods_[out.uid] = {out, now};
  return std::nullopt;
}

std::optional<LinkError> ApiClusterLink::check_pod(const PodRef& pod) {
  PodInfo info;
  return read_pod(pod, info);
}

std::optional<LinkError> ApiClusterLink::mounted(const MountedVolume& volume) {
  PodInfo pod;
  {
    std::lock_guard lock(mutex_);
    const auto known = pods_.find(volume.pod.uid);
    if (known != pods_.end() &&
        std::chrono::steady_clock::now() - known->second.read_at < kPodFreshFor) {
      pod = known->second.info;
    }
  }
  if (pod.uid.empty()) {
    if (auto error = read_pod(volume.pod, pod)) return error;
  }

  PodStatusInfo status;
  status.pod_name = pod.name;
  status.namespace_name = pod.namespace_name;
  status.pod_uid = pod.uid;
  status.node_name = node_name_;
  status.spc_name = volume.spc->name;
  status.target_path = volume.target_path;
  status.mounted = true;
  for (const auto& [id, version] : volume.objects) status.objects.push_back({id, version});
  const SyncResult written = write_pod_status(api_, status, !volume.refresh);
  if (written.outcome == SyncOutcome::Failed) {
    return LinkError{kind_for(written.http_status), "FailedToWritePodStatus", written.error};
  }
  if (volume.refresh && volume.content_changed) {
    events_.record(volume.pod, EventType::Normal, kReasonMountRotationComplete,
                   fmt::format("new content mounted at {}", volume.target_path));
  }
  return sync_secrets(volume, pod, written.uid);
}

std::optional<LinkError> ApiClusterLink::sync_secrets(const MountedVolume& volume,
                                                      const PodInfo& pod,
                                                      const std::string& pod_status_uid) {
  if (volume.spc->secret_objects.empty()) return std::nullopt;
  // Synced Secrets live as long as the pod's workload: its owners (the ReplicaSet, StatefulSet,
  // ...), or, for a bare pod, the pod status object that is collected with the pod.
  std::vector<OwnerReference> owners;
  for (const OwnerReference& owner : pod.owners) {
    owners.push_back({owner.api_version, owner.kind, owner.name, owner.uid, {}, {}});
  }
  if (owners.empty()) {
    owners.push_back({kSpcApiVersionV1,
                      "SecretProviderClassPodStatus",
                      pod_status_name(pod.name, pod.namespace_name, volume.spc->name),
                      pod_status_uid,
                      {},
                      {}});
  }
  std::optional<LinkError> first_error;
  bool updated = false;
  for (const SecretObject& object : volume.spc->secret_objects) {
    std::string error;
    LinkError::Kind kind = LinkError::Kind::Unavailable;
    try {
      const DesiredSecret desired = build_desired_secret(object, volume.files);
      const SyncResult result = sync_secret(api_, pod.namespace_name, desired, owners);
      if (result.outcome == SyncOutcome::Failed) {
        error = result.error;
        kind = result.not_managed ? LinkError::Kind::Conflict : kind_for(result.http_status);
      }
      updated = updated || result.outcome == SyncOutcome::Updated;
    } catch (const std::exception& e) {  // SecretBuildError, TlsPartError
      error = e.what();
      kind = LinkError::Kind::Invalid;
    }
    if (error.empty()) continue;
    events_.record(volume.pod, EventType::Warning,
                   volume.refresh ? kReasonSecretRotationFailed : kReasonFailedToCreateSecret,
                   error);
    if (!first_error) {
      first_error = LinkError{kind, "FailedToCreateSecret",
                              fmt::format("syncing SecretProviderClass {}/{} into Secrets: {}",
                                          pod.namespace_name, volume.spc->name, error)};
    }
  }
  if (!first_error && volume.refresh && updated) {
    events_.record(
        volume.pod, EventType::Normal, kReasonSecretRotationComplete,
        fmt::format("synced Secrets of SecretProviderClass {} updated", volume.spc->name));
  }
  return first_error;
}

void ApiClusterLink::refresh_failed(const PodRef& pod, const std::string& message) {
  events_.record(pod, EventType::Warning, kReasonMountRotationFailed, message);
}

}  // namespace sscsi::kube
