#pragma once
// What one create-or-update of a Kubernetes object did.

#include <string>

#include "kube/api_client.h"

namespace sscsi::kube {

enum class SyncOutcome { Created, Updated, Unchanged, Failed };

struct SyncResult {
  SyncOutcome outcome = SyncOutcome::Failed;
  std::string error;  // set when Failed: names the object, the step and the HTTP status
  int writes = 0;     // POST/PUT/DELETE requests the API server accepted
  // metadata.uid of the object as last read or written; empty when Failed or when the answer did
  // not carry it. A bare pod's synced Secrets are owned by its SecretProviderClassPodStatus,
  // and an owner reference needs this uid.
  std::string uid;
  // When Failed: the HTTP status of the request that failed (0: no answer, or not an HTTP
  // failure), and whether the Secret exists without the driver's managed label.
  long http_status = 0;
  bool not_managed = false;
};

const char* to_string(SyncOutcome outcome);

// The message for a failed request: the client's own line (it names the object, the method and
// the status) or, if it gave none, "<what>: <step> answered <status>"; a 403 gets `rbac_hint`
// appended in parentheses.
std::string api_failure(const ApiResponse& response, const std::string& what, const char* step,
                        const char* rbac_hint);

}  // namespace sscsi::kube
