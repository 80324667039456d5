#pragma once
// Key Vault data-plane URLs (reference §4.1, api-version 7.4) and the pieces read back from them:
// the version in an object's id, and whether a nextLink stays on the vault (a bearer token
// must never follow a link to another host).

#include <string>
#include <string_view>

#include "params/mount_request.h"

namespace sscsi::azure {

inline constexpr std::string_view kKeyVaultApiVersion = "7.4";

// "secrets", "keys", "certificates"
std::string_view collection_of(ObjectType type);
// "secret", "key", "certificate": how messages name the object kind.
std::string_view kind_of(ObjectType type);

// {vault}/{collection}/{name}/{version}?api-version=7.4; an empty version leaves the trailing
// slash (the latest version). Name and version are percent-encoded.
std::string object_url(std::string_view vault_url, ObjectType type, std::string_view name,
                       std::string_view version);

// {vault}/{collection}/{name}/versions?api-version=7.4
std::string versions_url(std::string_view vault_url, ObjectType type, std::string_view name);

// The third path segment of an object id or kid
// ("https://v.vault.azure.net/secrets/<name>/<version>" -> "<version>"); "" when absent.
std::string version_from_id(std::string_view id);

// "" when `next_link` is an https URL on the vault's own origin (scheme, host, port);
// otherwise why it is refused.
std::string next_link_problem(std::string_view vault_url, std::string_view next_link);

// `next_link` with api-version=7.4 added when its query has no api-version.
std::string with_api_version(std::string_view next_link);

}  // namespace sscsi::azure
