// A Pod as the API server answers it (the host reads it before a first mount, to check the
// request's pod uid and to take its owners for synced Secrets), read as kube/api_cluster_link.cpp
// does: nlohmann parse, then kube/objects/pod_json.h.
//
// Input: the response body. Expected: InvalidObject. Invariants: an accepted pod has its name,
// namespace and uid; every owner reference survives owner_reference_json unchanged.

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "fuzz_support.h"
#include "kube/objects/json_fields.h"
#include "kube/objects/pod_json.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace sscsi;
  const auto object = nlohmann::json::parse(fuzz::as_text(data, size), nullptr, false);
  if (object.is_discarded()) return 0;
  try {
    const kube::PodInfo pod = kube::parse_pod(object, "fuzz");
    if (pod.name.empty() || pod.namespace_name.empty() || pod.uid.empty()) {
      fuzz::fuzz_fail("fuzz_kube_pod_json: an accepted pod lacks its name, namespace or uid", "");
    }
    for (const kube::OwnerReference& owner : pod.owners) {
      const nlohmann::json written = kube::owner_reference_json(owner);
      nlohmann::json pod_with_owner = {{"apiVersion", "v1"},
                                       {"kind", "Pod"},
                                       {"metadata",
                                        {{"name", "p"},
                                         {"namespace", "n"},
                                         {"uid", "u"},
                                         {"ownerReferences", nlohmann::json::array({written})}}}};
      const kube::PodInfo again = kube::parse_pod(pod_with_owner, "fuzz (round trip)");
      if (again.owners.size() != 1 || !(again.owners.front() == owner)) {
        fuzz::fuzz_fail("fuzz_kube_pod_json: an owner reference does not survive a round trip",
                        written.dump());
      }
    }
  } catch (const kube::InvalidObject&) {
  }
  return 0;
}
