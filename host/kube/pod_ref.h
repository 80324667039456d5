#pragma once
// The pod a mount belongs to, as the CSI request names it.

#include <string>

namespace sscsi::kube {

struct PodRef {
  std::string name;
  std::string namespace_name;
  std::string uid;  // from the request's volume_context (csi.storage.k8s.io/pod.uid)
};

}  // namespace sscsi::kube
