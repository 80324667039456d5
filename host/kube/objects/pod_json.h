#pragma once
// The parts of a core/v1 Pod the host needs: identity (checked against the CSI request's
// pod.uid), its node, its ServiceAccount, whether it is going away, and its owners (which become
// the owners of synced Secrets, so that the garbage collector removes them with the workload).

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace sscsi::kube {

struct OwnerReference {
  std::string api_version;
  std::string kind;
  std::string name;
  std::string uid;
  std::optional<bool> controller;
  std::optional<bool> block_owner_deletion;

  bool operator==(const OwnerReference&) const = default;
};

struct PodInfo {
  std::string name;
  std::string namespace_name;
  std::string uid;
  std::string node_name;        // spec.nodeName; empty while unscheduled
  std::string service_account;  // spec.serviceAccountName
  std::string phase;            // status.phase; empty when the API has not set it yet
  bool terminating = false;     // metadata.deletionTimestamp is set
  std::vector<OwnerReference> owners;
};

// Throws InvalidObject (kube/objects/json_fields.h) naming the Pod ("Pod ns/name: ...", or
// "Pod from <source>: ..." before the name is known) and the field path. metadata.name,
// metadata.namespace and metadata.uid are required, as are apiVersion/kind/name/uid of every
// owner reference.
PodInfo parse_pod(const nlohmann::json& object, const std::string& source);

// {apiVersion, kind, name, uid[, controller][, blockOwnerDeletion]}.
nlohmann::json owner_reference_json(const OwnerReference& owner);

}  // namespace sscsi::kube
