#pragma once
// Creates or updates the SecretProviderClassPodStatus of one mount (see
// kube/objects/pod_status.h), as upstream's NodePublish does, but without a write when the
// object already says the same thing (every kubelet republish would otherwise write).

#include "kube/api_client.h"
#include "kube/objects/pod_status.h"
#include "kube/sync/sync_result.h"

namespace sscsi::kube {

inline constexpr int kMaxPodStatusAttempts = 5;

// `first_mount`: POST first -> Created; 409 (it exists, e.g. the pod's volume was mounted before a
// host restart) continues as below. Otherwise (a refresh):
// GET the object; 404 -> POST it -> Created (409: created meanwhile, read again). Otherwise set
// the node label (other labels kept), ownerReferences = [the Pod] and status; equal to what was
// read -> Unchanged, no write; otherwise PUT with its resourceVersion -> Updated. A 409 on the
// PUT (or 404: deleted meanwhile) re-reads and retries, kMaxPodStatusAttempts rounds in all. Errors
// name "SecretProviderClassPodStatus ns/name", the step and the HTTP status. SyncResult::uid is the
// object's uid (from the create answer or the object read), for owner references.
SyncResult write_pod_status(ApiClient& api, const PodStatusInfo& info, bool first_mount = false);

}  // namespace sscsi::kube
