#include "csi/request_checks.h"

#include <string_view>

#include <fmt/format.h>

#include "csi/printable.h"
#include "csi/target_path.h"
#include "csi/volume_context_keys.h"

namespace sscsi::csi {
namespace {

namespace pb = ::csi::v1;

RequestError invalid(std::string message) {
  return RequestError{grpc::StatusCode::INVALID_ARGUMENT, std::move(message)};
}

// The target checks shared by publish and unpublish. Returns the pod uid found in a kubelet
// path (empty when the policy allows any target), or the error.
std::variant<std::string, RequestError> check_target(const std::string& target,
                                                     const TargetPolicy& policy) {
  if (auto problem = absolute_clean_problem(target)) {
    return invalid(fmt::format("Target path {} {}", printable(target), *problem));
  }
  if (policy.allow_any_target) return std::string();
  auto uid = kubelet_pod_uid(target);
  if (!uid) {
    return invalid(
        fmt::format("Target path {} is not a kubelet pod volume path ({}); run the host with "
                    "--allow-any-target to publish elsewhere",
                    printable(target), kKubeletTargetShape));
  }
  return std::move(*uid);
}

std::string_view context_value(const pb::NodePublishVolumeRequest& request, std::string_view key) {
  const auto& context = request.volume_context();
  const auto it = context.find(std::string(key));
  return it == context.end() ? std::string_view() : std::string_view(it->second);
}

}  // namespace

std::variant<publish::PublishRequest, RequestError> check_node_publish(
    const pb::NodePublishVolumeRequest& request, const TargetPolicy& policy) {
  // Upstream's order and texts first, so callers that match on them keep working.
  if (!request.has_volume_capability()) return invalid("Volume capability missing in request");
  if (request.volume_id().empty()) return invalid("Volume ID missing in request");
  if (request.target_path().empty()) return invalid("Target path missing in request");
  if (request.volume_context().empty()) return invalid("Volume attributes missing in request");

  const pb::VolumeCapability& capability = request.volume_capability();
  if (capability.has_block()) {
    return invalid(
        "Volume capability asks for block access; secrets-store volumes are mounted "
        "directories, so a mount capability is required");
  }
  if (!capability.has_mount()) {
    return invalid("Volume capability has no access type; a mount capability is required");
  }

  auto target = check_target(request.target_path(), policy);
  if (auto* error = std::get_if<RequestError>(&target)) return std::move(*error);

  // Upstream answers this one with a plain Go error, which gRPC reports as UNKNOWN; kept so
  // that nothing observing the driver sees a different code.
  if (context_value(request, keys::kSecretProviderClass).empty()) {
    return RequestError{grpc::StatusCode::UNKNOWN, "secretProviderClass is not set"};
  }
  for (const std::string_view key : {keys::kPodName, keys::kPodNamespace, keys::kPodUid}) {
    if (context_value(request, key).empty()) {
      return invalid(fmt::format(
          "volume_context has no {}; the CSIDriver object must set podInfoOnMount: true", key));
    }
  }
  if (!request.readonly()) return invalid("Readonly is not true in request");

  const std::string& path_uid = std::get<std::string>(target);
  const std::string_view context_uid = context_value(request, keys::kPodUid);
  if (!policy.allow_any_target && path_uid != context_uid) {
    return invalid(fmt::format("Target path {} belongs to pod uid {}, but volume_context {} is {}",
                               printable(request.target_path()), printable(path_uid), keys::kPodUid,
                               printable(context_uid)));
  }

  publish::PublishRequest out;
  out.volume_id = request.volume_id();
  out.target_path = request.target_path();
  out.readonly = request.readonly();
  out.volume_context.insert(request.volume_context().begin(), request.volume_context().end());
  out.secrets.insert(request.secrets().begin(), request.secrets().end());
  out.mount_flags.assign(capability.mount().mount_flags().begin(),
                         capability.mount().mount_flags().end());
  return out;
}

std::variant<UnpublishTarget, RequestError> check_node_unpublish(
    const pb::NodeUnpublishVolumeRequest& request, const TargetPolicy& policy) {
  if (request.volume_id().empty()) return invalid("Volume ID missing in request");
  if (request.target_path().empty()) return invalid("Target path missing in request");
  auto target = check_target(request.target_path(), policy);
  if (auto* error = std::get_if<RequestError>(&target)) return std::move(*error);
  return UnpublishTarget{request.volume_id(), request.target_path()};
}

std::optional<RequestError> check_node_stage(const pb::NodeStageVolumeRequest& request) {
  if (request.volume_id().empty()) return invalid("Volume ID missing in request");
  if (request.staging_target_path().empty()) {
    return invalid("Staging target path missing in request");
  }
  if (!request.has_volume_capability()) return invalid("Volume capability missing in request");
  return std::nullopt;
}

std::optional<RequestError> check_node_unstage(const pb::NodeUnstageVolumeRequest& request) {
  if (request.volume_id().empty()) return invalid("Volume ID missing in request");
  if (request.staging_target_path().empty()) {
    return invalid("Staging target path missing in request");
  }
  return std::nullopt;
}

}  // namespace sscsi::csi
