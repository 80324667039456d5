#pragma once
// The pod a mount belongs to, as the CSI request names it.

#include <string>

namespace sscsi::kube {

struct PodRef {
  std::string name;
  std::string namespace_name;
  std::string uid;  // from the request's volume_context (csi.storage.k8s.io/pod.uid)
  // csi.storage.k8s.io/serviceAccount.name; empty when the request does not say. Shared fetches
  // key on it, so the pod check holds it to the pod's own.
  std::string service_account;
};

}  // namespace sscsi::kube
