#pragma once
// CSI requests shaped as the kubelet sends them for an inline secrets-store volume
// (podInfoOnMount: true, readonly, a mount capability), for tests to send as they are or to break
// one field at a time.

#include <filesystem>
#include <string>

#include "csi/proto/csi.pb.h"

namespace sscsi::testing_support {

inline constexpr const char* kPodNamespace = "default";
inline constexpr const char* kPodName = "app-0";
inline constexpr const char* kServiceAccount = "app";

// A valid NodePublishVolume for `target` (a kubelet path whose pod uid is `pod_uid`) naming the
// SecretProviderClass `spc_name` in namespace "default".
::csi::v1::NodePublishVolumeRequest publish_request(const std::filesystem::path& target,
                                                    const std::string& pod_uid,
                                                    const std::string& spc_name);

// The volume id publish_request uses for `pod_uid` (as the kubelet: one id per pod volume).
std::string volume_id_for(const std::string& pod_uid);

}  // namespace sscsi::testing_support
