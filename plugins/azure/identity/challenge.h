#pragma once
// Key Vault's challenge-based authentication (reference azure-provider.md §3.0): the vault
// answers a request without a token with 401 and
//   WWW-Authenticate: Bearer authorization="https://login.microsoftonline.com/<tenant>",
//                     resource="https://vault.azure.net"
// The token is then requested for the scope "<resource>/.default" (a scope= parameter wins),
// but only after checking that the vault's host lies inside the resource's domain, so a
// spoofed vault cannot collect tokens for another resource. The tenant in authorization= is not
// used (the SecretProviderClass names the tenant), as upstream.

#include <optional>
#include <string>
#include <string_view>

namespace sscsi::azure {

struct BearerChallenge {
  std::string authorization;  // authorization= (or authorization_uri=)
  std::string resource;       // resource=
  std::string scope;          // scope=
};

// The parameters of the first Bearer challenge in a WWW-Authenticate value (scheme and
// parameter names case-insensitive, values quoted or not, separated by commas and/or spaces;
// the first of a repeated parameter wins). Nullopt when there is no Bearer challenge. Never
// throws on malformed input.
std::optional<BearerChallenge> parse_bearer_challenge(std::string_view header);

// "<resource>/.default" unless already so suffixed; "https://vault.azure.net/" becomes
// "https://vault.azure.net//.default", as upstream (reference §10.1 case 35).
std::string scope_from_resource(std::string_view resource);

// scope= when present, else scope_from_resource(resource=); "" when neither is set.
std::string challenge_scope(const BearerChallenge& challenge);

// The resource a scope stands for ("https://vault.azure.net/.default" -> the URL without
// "/.default"): what IMDS takes as `resource`.
std::string resource_from_scope(std::string_view scope);

// Throws MountError (SSCSI_UNAUTHORIZED) unless `scope` is a plain https URL (no user info,
// query or fragment, port 443) whose host is a DNS name of two labels or more, and the host of
// `vault_url` ends with "." + that host, compared case-insensitively on the parsed hosts.
// A foreign domain's message starts as upstream's (`challenge resource "<host>" doesn't match
// the requested domain`) but does not suggest turning the check off; the other refusals start
// `challenge resource from vault <host> ` and say what is wrong with the URL.
void verify_challenge_scope(std::string_view vault_url, std::string_view scope);

}  // namespace sscsi::azure
