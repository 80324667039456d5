#pragma once
// What the token cache may know about a credential without holding it: a SHA-256 digest of a
// secret, and the service-account subject a Kubernetes service-account token names.

#include <optional>
#include <string>
#include <string_view>

namespace sscsi::azure {

// Lower-case hex SHA-256 of `data`.
std::string sha256_hex(std::string_view data);

// "namespace/name" from a service-account JWT's `sub` claim
// ("system:serviceaccount:<namespace>:<name>"); nullopt when the token is not a JWT with such a
// claim. The signature is not checked: the result only narrows sharing, it never widens it.
std::optional<std::string> service_account_subject(std::string_view jwt);

}  // namespace sscsi::azure
