// The shape checks of the CSI Node RPCs (host/csi/request_checks.h) on requests as the kubelet,
// or anything else that reaches the socket, serializes them.
//
// Input: one selector byte, then a serialized request. Selector bits 0-1: NodePublishVolume,
// NodeUnpublishVolume, NodeStageVolume, NodeUnstageVolume; bit 2: --allow-any-target.
// Expected: the checks return a RequestError, never throw. Invariants: no message contains a
// secret or a volume_context value other than the pod uid (differential, on the serialized
// bytes); an accepted publish has an absolute clean target, which without --allow-any-target
// is a kubelet pod-volume path of the request's own pod uid.

#include <google/protobuf/stubs/logging.h>

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "csi/proto/csi.pb.h"
#include "csi/request_checks.h"
#include "csi/target_path.h"
#include "csi/volume_context_keys.h"
#include "fuzz_support.h"

namespace {

namespace fuzz = sscsi::fuzz;
namespace checks = sscsi::csi;  // "csi" alone is also the generated ::csi::v1
namespace pb = ::csi::v1;

std::optional<std::string> publish_message(std::string_view bytes,
                                           const checks::TargetPolicy& policy) {
  pb::NodePublishVolumeRequest request;
  if (!request.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) return std::nullopt;
  const auto result = checks::check_node_publish(request, policy);
  if (const auto* error = std::get_if<checks::RequestError>(&result)) return error->message;
  return std::nullopt;
}

std::vector<std::string> publish_secrets(std::string_view bytes) {
  std::vector<std::string> secrets;
  pb::NodePublishVolumeRequest request;
  if (!request.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) return secrets;
  for (const auto& [key, value] : request.secrets()) secrets.push_back(value);
  for (const auto& [key, value] : request.volume_context()) {
    if (key != checks::keys::kPodUid) secrets.push_back(value);
  }
  return secrets;
}

void check_accepted(const pb::NodePublishVolumeRequest& request, const checks::TargetPolicy& policy,
                    const sscsi::publish::PublishRequest& out) {
  if (auto problem = checks::absolute_clean_problem(out.target_path)) {
    fuzz::fuzz_fail("fuzz_csi_requests: an accepted target is not absolute and clean", *problem);
  }
  if (!policy.allow_any_target) {
    const auto uid = checks::kubelet_pod_uid(out.target_path);
    const auto context = request.volume_context().find(std::string(checks::keys::kPodUid));
    if (!uid || context == request.volume_context().end() || *uid != context->second) {
      fuzz::fuzz_fail("fuzz_csi_requests: an accepted target is not this pod's volume path",
                      out.target_path);
    }
  }
  if (!out.readonly) fuzz::fuzz_fail("fuzz_csi_requests: a writable publish was accepted", "");
}

void fuzz_publish(std::string_view bytes, const checks::TargetPolicy& policy) {
  pb::NodePublishVolumeRequest request;
  if (!request.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) return;
  const auto result = checks::check_node_publish(request, policy);
  if (const auto* out = std::get_if<sscsi::publish::PublishRequest>(&result)) {
    check_accepted(request, policy, *out);
    return;
  }
  fuzz::check_secrets_not_echoed(
      "fuzz_csi_requests", bytes, std::get<checks::RequestError>(result).message, publish_secrets,
      [&policy](std::string_view changed) { return publish_message(changed, policy); });
}

void fuzz_unpublish(std::string_view bytes, const checks::TargetPolicy& policy) {
  pb::NodeUnpublishVolumeRequest request;
  if (!request.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) return;
  const auto result = checks::check_node_unpublish(request, policy);
  if (const auto* out = std::get_if<checks::UnpublishTarget>(&result)) {
    if (auto problem = checks::absolute_clean_problem(out->target_path)) {
      fuzz::fuzz_fail("fuzz_csi_requests: an accepted unpublish target is not absolute and clean",
                      *problem);
    }
    if (!policy.allow_any_target && !checks::kubelet_pod_uid(out->target_path)) {
      fuzz::fuzz_fail("fuzz_csi_requests: an accepted unpublish target is not a kubelet path",
                      out->target_path);
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  // Invalid UTF-8 in a proto3 string makes parsing fail with a log line per input.
  google::protobuf::SetLogHandler(nullptr);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view bytes = fuzz::as_text(data + 1, size - 1);
  const checks::TargetPolicy policy{(data[0] & 4) != 0};
  switch (data[0] & 3) {
    case 0:
      fuzz_publish(bytes, policy);
      break;
    case 1:
      fuzz_unpublish(bytes, policy);
      break;
    case 2: {
      pb::NodeStageVolumeRequest request;
      if (request.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
        (void)checks::check_node_stage(request);
      }
      break;
    }
    default: {
      pb::NodeUnstageVolumeRequest request;
      if (request.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
        (void)checks::check_node_unstage(request);
      }
      break;
    }
  }
  return 0;
}
