#include "kube/objects/pod_status.h"

#include <algorithm>

#include "kube/objects/dns_name.h"
#include "kube/objects/spc_json.h"

namespace sscsi::kube {

std::string pod_status_name(const std::string& pod, const std::string& namespace_name,
                            const std::string& spc) {
  return fit_dns_subdomain(pod + "-" + namespace_name + "-" + spc);
}

nlohmann::json pod_owner_reference(const PodStatusInfo& info) {
  return {{"apiVersion", "v1"}, {"kind", "Pod"}, {"name", info.pod_name}, {"uid", info.pod_uid}};
}

nlohmann::json pod_status_status(const PodStatusInfo& info) {
  std::vector<ObjectVersion> objects = info.objects;
  std::sort(objects.begin(), objects.end(), [](const ObjectVersion& a, const ObjectVersion& b) {
    return a.id != b.id ? a.id < b.id : a.version < b.version;
  });
  nlohmann::json list = nlohmann::json::array();
  for (const ObjectVersion& object : objects) {
    list.push_back({{"id", object.id}, {"version", object.version}});
  }
  return {{"podName", info.pod_name},
          {"secretProviderClassName", info.spc_name},
          {"mounted", info.mounted},
          {"targetPath", info.target_path},
          {"objects", std::move(list)}};
}

nlohmann::json pod_status_object(const PodStatusInfo& info) {
  return {{"apiVersion", kSpcApiVersionV1},
          {"kind", "SecretProviderClassPodStatus"},
          {"metadata",
           {{"name", pod_status_name(info.pod_name, info.namespace_name, info.spc_name)},
            {"namespace", info.namespace_name},
            {"labels", {{kNodeNameLabel, info.node_name}}},
            {"ownerReferences", nlohmann::json::array({pod_owner_reference(info)})}}},
          {"status", pod_status_status(info)}};
}

}  // namespace sscsi::kube
