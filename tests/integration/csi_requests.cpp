#include "csi_requests.h"

namespace sscsi::testing_support {

namespace pb = ::csi::v1;

std::string volume_id_for(const std::string& pod_uid) { return "csi-" + pod_uid; }

pb::NodePublishVolumeRequest publish_request(const std::filesystem::path& target,
                                             const std::string& pod_uid,
                                             const std::string& spc_name) {
  pb::NodePublishVolumeRequest request;
  request.set_volume_id(volume_id_for(pod_uid));
  request.set_target_path(target.string());
  request.set_readonly(true);
  pb::VolumeCapability& capability = *request.mutable_volume_capability();
  capability.mutable_mount();
  capability.mutable_access_mode()->set_mode(
      pb::VolumeCapability::AccessMode::SINGLE_NODE_READER_ONLY);
  auto& context = *request.mutable_volume_context();
  context["secretProviderClass"] = spc_name;
  context["csi.storage.k8s.io/pod.name"] = kPodName;
  context["csi.storage.k8s.io/pod.namespace"] = kPodNamespace;
  context["csi.storage.k8s.io/pod.uid"] = pod_uid;
  context["csi.storage.k8s.io/serviceAccount.name"] = kServiceAccount;
  context["csi.storage.k8s.io/ephemeral"] = "true";
  return request;
}

}  // namespace sscsi::testing_support
