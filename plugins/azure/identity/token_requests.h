#pragma once
// The HTTP exchanges that yield a token, one per identity mode (reference §3.1-§3.5), built
// exactly as upstream sends them, plus the call that sends one and reads the answer.

#include <string>
#include <string_view>

#include "http/http_transport.h"
#include "identity/access_token.h"
#include "identity/token_answer.h"

namespace sscsi::azure {

// The v2 token endpoint "{authority}{tenant}/oauth2/v2.0/token" ("{authority}adfs/oauth2/token"
// for tenant "adfs"). Throws MountError (SSCSI_INVALID_PARAMETERS) when the tenant is not a
// GUID or domain name ([A-Za-z0-9.-], at most 256 characters) or the authority is not https.
std::string entra_token_url(std::string_view authority, std::string_view tenant);

// "<scope> openid offline_access profile", the scope string MSAL sends.
std::string msal_scope(std::string_view scope);

// Service principal (§3.1): POST grant_type=client_credentials, client_id, client_secret,
// scope (fields in Go's url.Values order: sorted by name).
HttpRequest client_secret_token_request(const std::string& token_url, std::string_view client_id,
                                        std::string_view client_secret, std::string_view scope);

// Workload identity and identity binding (§3.3, §3.4): POST client_assertion,
// client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer, client_id,
// client_info=1, grant_type=client_credentials, scope.
HttpRequest client_assertion_token_request(const std::string& token_url, std::string_view client_id,
                                           std::string_view assertion, std::string_view scope);

// VM managed identity (§3.2): GET {imds}/metadata/identity/oauth2/token?api-version=2018-02-01
// &resource=<resource>[&client_id=<id>] with "Metadata: true"; client_id only when not empty.
HttpRequest imds_token_request(std::string_view imds_endpoint, std::string_view client_id,
                               std::string_view resource);

// Pod identity (§3.5): GET {nmi}/host/token/?resource=<resource> (not URL-encoded, as upstream)
// with podns and podname headers.
HttpRequest nmi_token_request(std::string_view nmi_endpoint, std::string_view resource,
                              std::string_view pod_namespace, std::string_view pod_name);

// Sends `request` and returns its token, or throws the MountError of token_request_error /
// parse_token_answer (parse_nmi_answer for NMI). `what` names the request in messages (e.g.
// "workload identity token for client <id> from <url>").
AccessToken exchange_token(HttpTransport& http, const HttpRequest& request, TokenService service,
                           std::string_view what, const CallControl& control);

}  // namespace sscsi::azure
