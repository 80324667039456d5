#pragma once
// One mount's way to a bearer token: the identity mode of its MountRequest (reference §3)
// turned into a function Key Vault calls with the scope its challenge named. Tokens go through
// the shared TokenCache (single flight, reuse across mounts of the same identity).
//
// Cache keys per mode:
// - workload identity / identity binding: Entra ID authority, tenant, client ID, mode, the
//   service account "namespace/name" (from the request; from the token's `sub` claim when the
//   request names none), scope. When the token's claim and the request disagree, or no subject
//   is known, the assertion's SHA-256 joins the key, so nothing is shared.
// - service principal: authority, tenant, client ID, SHA-256 of the client secret, scope.
// - VM managed identity: IMDS endpoint, user-assigned identity ("" = system-assigned), scope.
// - pod identity: NMI endpoint, pod namespace/name, resource.

#include <functional>
#include <string>

#include "cloud/cloud_environment.h"
#include "common/secret_string.h"
#include "http/http_transport.h"
#include "identity/identity_binding.h"
#include "identity/notice_once.h"
#include "identity/token_cache.h"
#include "params/mount_request.h"

namespace sscsi::azure {

// Returns a bearer token for `scope`; refresh: the last one was refused, get a new one.
// Throws MountError.
using BearerTokenSource =
    std::function<SecretString(const std::string& scope, bool refresh, const CallControl& control)>;

struct IdentityEndpoints {
  std::string imds = "http://169.254.169.254";  // imdsEndpoint
  std::string nmi = "http://localhost:2579";    // nmiEndpoint
};

// What the token sources use. Borrowed: everything must outlive the sources made from it.
struct IdentityServices {
  HttpTransport* entra = nullptr;        // Entra ID token endpoint (retrying, Key Vault set)
  HttpTransport* imds = nullptr;         // IMDS (retrying, IMDS set)
  HttpTransport* nmi = nullptr;          // NMI (no retries, as upstream)
  HttpTransport* token_proxy = nullptr;  // identity binding: trusts the proxy CA; null = off
  TokenProxySni* token_proxy_sni = nullptr;
  std::string token_proxy_url = TokenProxyConfig{}.url;
  TokenCache* cache = nullptr;    // null: every call fetches
  NoticeOnce* notices = nullptr;  // deprecation notices; null: none
  IdentityEndpoints endpoints;
};

// Throws MountError (SSCSI_INVALID_PARAMETERS) when the request cannot name a token request at
// all (bad tenant, missing transport for the mode).
BearerTokenSource make_token_source(const IdentityServices& services, const MountRequest& request,
                                    const CloudEnvironment& cloud);

}  // namespace sscsi::azure
