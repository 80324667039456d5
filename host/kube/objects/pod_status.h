#pragma once
// SecretProviderClassPodStatus (secrets-store.csi.x-k8s.io/v1): one per (pod, class) mount, in
// the pod's namespace. kubectl users and providers read status.objects; the node label is what
// node-local controllers filter on.

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace sscsi::kube {

inline constexpr const char* kNodeNameLabel = "internal.secrets-store.csi.k8s.io/node-name";

struct ObjectVersion {
  std::string id;
  std::string version;
  bool operator==(const ObjectVersion&) const = default;
};

struct PodStatusInfo {
  std::string pod_name;
  std::string namespace_name;
  std::string pod_uid;
  std::string node_name;
  std::string spc_name;
  std::string target_path;
  bool mounted = true;
  std::vector<ObjectVersion> objects;
};

// "<pod>-<namespace>-<spc>" as upstream; longer than 253 characters -> the deterministic short
// form of fit_dns_subdomain (kube/objects/dns_name.h): a prefix of that name, "-", and the first
// 10 hex digits of the SHA-256 of the full name.
std::string pod_status_name(const std::string& pod, const std::string& namespace_name,
                            const std::string& spc);

// The whole object for create/replace: apiVersion v1, kind, metadata {name, namespace, labels
// {node label: node}, ownerReferences [the Pod]}, status {podName, secretProviderClassName,
// mounted, targetPath, objects sorted by id (then version)}.
nlohmann::json pod_status_object(const PodStatusInfo& info);

// status as pod_status_object writes it.
nlohmann::json pod_status_status(const PodStatusInfo& info);

// The Pod owner reference of the object: {apiVersion v1, kind Pod, name, uid}, with no
// controller and no blockOwnerDeletion (as upstream), so it is collected with the pod.
nlohmann::json pod_owner_reference(const PodStatusInfo& info);

}  // namespace sscsi::kube
