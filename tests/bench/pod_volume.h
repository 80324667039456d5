#pragma once
// One pod's secrets-store volume as the kubelet publishes it: a target path of the kubelet's
// shape, the pod's identity (podInfoOnMount) and a volume id of the kubelet's length.

#include <string>

namespace sscsi::bench {

struct PodVolume {
  std::string pod_uid;
  std::string pod_name;
  std::string pod_dir;  // <kubelet root>/pods/<uid>: removed once the volume is unpublished
  std::string target;   // <pod_dir>/volumes/kubernetes.io~csi/<volume name>/mount
  std::string volume_id;
};

// The SecretProviderClass every benchmark volume names.
struct ClassRef {
  std::string namespace_name;
  std::string name;
};

}  // namespace sscsi::bench
