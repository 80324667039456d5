#pragma once
// The shape checks of the Node RPCs, free of gRPC server machinery so that they are tested as a
// table. Each takes the proto request and returns either what the next layer needs or the exact
// status (code and message) to answer with. Messages name the field and the problem; they never
// contain a volume_context value other than the pod uid, nor anything from `secrets`.

#include <optional>
#include <string>
#include <variant>

#include <grpcpp/support/status_code_enum.h>

#include "csi/proto/csi.pb.h"
#include "publish/publisher.h"

namespace sscsi::csi {

struct RequestError {
  grpc::StatusCode code = grpc::StatusCode::INVALID_ARGUMENT;
  std::string message;
};

struct TargetPolicy {
  // Accept any absolute, clean target instead of only kubelet pod-volume paths (standalone use,
  // csi-sanity). The pod uid in the path is then not compared either.
  bool allow_any_target = false;
};

struct UnpublishTarget {
  std::string volume_id;
  std::string target_path;
};

// Upstream's checks in upstream's order (capability, volume id, target, volume_context, then
// secretProviderClass and readonly with upstream's codes and texts), followed by ours: a mount
// (not block) capability, an absolute clean target, the pod keys podInfoOnMount provides, and a
// kubelet target whose pod uid matches csi.storage.k8s.io/pod.uid.
std::variant<publish::PublishRequest, RequestError> check_node_publish(
    const ::csi::v1::NodePublishVolumeRequest& request, const TargetPolicy& policy);

// volume_id and target_path are required; the target must be absolute and clean, and, unless
// the policy allows any target, a kubelet pod-volume path.
std::variant<UnpublishTarget, RequestError> check_node_unpublish(
    const ::csi::v1::NodeUnpublishVolumeRequest& request, const TargetPolicy& policy);

// As upstream: volume_id, staging_target_path and the capability are required.
std::optional<RequestError> check_node_stage(const ::csi::v1::NodeStageVolumeRequest& request);

// As upstream: volume_id and staging_target_path are required.
std::optional<RequestError> check_node_unstage(const ::csi::v1::NodeUnstageVolumeRequest& request);

}  // namespace sscsi::csi
