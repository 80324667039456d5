#pragma once
// How widely one mount's answer may be reused by the host (sscsi_share_scope), by identity:
// whoever can present the same credential could fetch the same objects themselves.
// - workload identity, identity binding: the token is the service account's, so pods of the
//   same namespace and service account;
// - service principal: the client secret is the credential, so requests with the same secrets;
// - VM managed identity: the node's identity serves every pod on the node alike;
// - pod identity: NMI decides per pod, so never.

#include <sscsi/provider.h>

#include "params/mount_request.h"

namespace sscsi::azure {

constexpr sscsi_share_scope share_scope_for(IdentityMode mode) {
  switch (mode) {
    case IdentityMode::WorkloadIdentity:
    case IdentityMode::IdentityBinding:
      return SSCSI_SHARE_NAMESPACE_SERVICE_ACCOUNT;
    case IdentityMode::ServicePrincipal:
      return SSCSI_SHARE_SAME_SECRETS;
    case IdentityMode::VmManagedIdentity:
      return SSCSI_SHARE_NODE;
    case IdentityMode::PodIdentity:
      return SSCSI_SHARE_NEVER;
  }
  return SSCSI_SHARE_NEVER;
}

}  // namespace sscsi::azure
