#pragma once
// Creates or updates one synced Secret, writing only when something differs (upstream rewrites
// it on every pass, #2062) and never touching a Secret the driver does not manage (#499).

#include <string>
#include <vector>

#include "kube/api_client.h"
#include "kube/objects/pod_json.h"
#include "kube/sync/secret_builder.h"
#include "kube/sync/sync_result.h"

namespace sscsi::kube {

// At most this many read-modify-write rounds when the Secret changes under us (409 Conflict).
inline constexpr int kMaxSyncAttempts = 5;

// GET the Secret, then:
//  - 404: POST it (labels, annotations, type, data, ownerReferences = owners) -> Created.
//  - exists without label secrets-store.csi.k8s.io/managed=true: Failed, no write.
//  - exists, managed: the wanted object keeps everything of the existing one except
//      data = desired data (exactly), type = desired type,
//      labels/annotations = existing ones with the desired ones set on top (extra ones kept),
//      ownerReferences = existing ones + each owner whose uid is not there yet (never dropped).
//    Equal to the existing object -> Unchanged, no write. Otherwise PUT with the existing
//    resourceVersion (optimistic lock) -> Updated.
//  - a different type (immutable in Kubernetes): DELETE with preconditions {uid,
//    resourceVersion}, then POST the desired Secret, keeping the existing labels, annotations
//    and owners as above -> Updated.
// 409 on PUT/POST/DELETE and 404 on PUT re-read and retry, at most kMaxSyncAttempts rounds.
// Owner references are written as {apiVersion, kind, name, uid} only (as upstream): no
// controller, no blockOwnerDeletion, which would need delete rights on the owner.
// Errors name "Secret ns/name", the step and the HTTP status; 403 adds the RBAC hint.
SyncResult sync_secret(ApiClient& api, const std::string& namespace_name,
                       const DesiredSecret& desired, const std::vector<OwnerReference>& owners);

}  // namespace sscsi::kube
