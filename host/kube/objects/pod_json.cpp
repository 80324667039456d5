#include "kube/objects/pod_json.h"

#include <fmt/format.h>

#include "kube/objects/json_fields.h"

namespace sscsi::kube {

PodInfo parse_pod(const nlohmann::json& object, const std::string& source) {
  FieldReader reader(fmt::format("Pod from {}", source));
  if (!object.is_object()) reader.wrong_type("the object", "a JSON object", object);
  const nlohmann::json* metadata = reader.object(object, "metadata", "metadata");
  if (metadata == nullptr) reader.fail("metadata is missing");
  PodInfo pod;
  pod.name = reader.required_string(*metadata, "name", "metadata.name");
  pod.namespace_name = reader.required_string(*metadata, "namespace", "metadata.namespace");
  reader.set_what(fmt::format("Pod {}/{}", pod.namespace_name, pod.name));

  // A single GET returns kind and apiVersion; objects taken from a list may omit them.
  const std::string kind = reader.string(object, "kind", "kind");
  if (!kind.empty() && kind != "Pod") reader.fail(fmt::format("kind '{}' is not Pod", kind));
  const std::string api_version = reader.string(object, "apiVersion", "apiVersion");
  if (!api_version.empty() && api_version != "v1") {
    reader.fail(fmt::format("apiVersion '{}' is not v1", api_version));
  }

  pod.uid = reader.required_string(*metadata, "uid", "metadata.uid");
  pod.terminating =
      !reader.string(*metadata, "deletionTimestamp", "metadata.deletionTimestamp").empty();
  if (const nlohmann::json* owners =
          reader.array(*metadata, "ownerReferences", "metadata.ownerReferences")) {
    for (std::size_t i = 0; i < owners->size(); ++i) {
      const nlohmann::json& entry = (*owners)[i];
      const std::string path = fmt::format("metadata.ownerReferences[{}]", i);
      if (!entry.is_object()) reader.wrong_type(path, "an object", entry);
      OwnerReference owner;
      owner.api_version = reader.required_string(entry, "apiVersion", path + ".apiVersion");
      owner.kind = reader.required_string(entry, "kind", path + ".kind");
      owner.name = reader.required_string(entry, "name", path + ".name");
      owner.uid = reader.required_string(entry, "uid", path + ".uid");
      owner.controller = reader.boolean(entry, "controller", path + ".controller");
      owner.block_owner_deletion =
          reader.boolean(entry, "blockOwnerDeletion", path + ".blockOwnerDeletion");
      pod.owners.push_back(std::move(owner));
    }
  }
  if (const nlohmann::json* spec = reader.object(object, "spec", "spec")) {
    pod.node_name = reader.string(*spec, "nodeName", "spec.nodeName");
    pod.service_account = reader.string(*spec, "serviceAccountName", "spec.serviceAccountName");
  }
  if (const nlohmann::json* status = reader.object(object, "status", "status")) {
    pod.phase = reader.string(*status, "phase", "status.phase");
  }
  return pod;
}

nlohmann::json owner_reference_json(const OwnerReference& owner) {
  nlohmann::json out = {{"apiVersion", owner.api_version},
                        {"kind", owner.kind},
                        {"name", owner.name},
                        {"uid", owner.uid}};
  if (owner.controller) out["controller"] = *owner.controller;
  if (owner.block_owner_deletion) out["blockOwnerDeletion"] = *owner.block_owner_deletion;
  return out;
}

}  // namespace sscsi::kube
