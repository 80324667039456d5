#pragma once
// Builds Azure mount inputs for the params tests: attributes and secrets as the host passes
// them (JSON objects of strings), the nested `objects` YAML, and the thrown message of a call.

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <map>
#include <string>

#include "params/mount_request.h"

namespace sscsi::azure::test {

using Attributes = std::map<std::string, std::string>;

inline constexpr const char* kPodName = "csi.storage.k8s.io/pod.name";
inline constexpr const char* kPodNamespace = "csi.storage.k8s.io/pod.namespace";
inline constexpr const char* kTokens = "csi.storage.k8s.io/serviceAccount.tokens";
inline constexpr const char* kServiceAccountName = "csi.storage.k8s.io/serviceAccount.name";

// A canary: tests check that no message ever contains these.
inline constexpr const char* kPlantedToken = "eyJhbGciOiJSUzI1NiJ9.PLANTED-SA-TOKEN.c4n4ry";
inline constexpr const char* kPlantedSecret = "PLANTED-client-secret-Xq7~9f";

// "array:\n  - |\n    <line>\n ..." with each item's lines indented under its block scalar.
std::string objects_yaml(std::initializer_list<std::string> items);

// Pod name and namespace, keyvaultName, tenantID and one secret object "secret1".
Attributes base_attributes();

// {"<audience>":{"token":"<token>","expirationTimestamp":"..."}} for each audience given.
std::string service_account_tokens(std::initializer_list<std::string> audiences,
                                   const std::string& token = kPlantedToken);

std::string to_json(const Attributes& attributes);

// {"clientid":"sp-client-id","clientsecret":kPlantedSecret}
std::string sp_secrets();

MountRequest parse(const Attributes& attributes, const std::string& secrets = sp_secrets(),
                   std::uint32_t default_mode = 0644);

// The message of the MountError `call` throws; fails the test (and returns "") if it throws
// nothing or another code than SSCSI_INVALID_PARAMETERS.
std::string error_of(const std::function<void()>& call);

std::string parse_error(const Attributes& attributes, const std::string& secrets = sp_secrets(),
                        std::uint32_t default_mode = 0644);

// The error for `objects` (the YAML text) placed in otherwise valid attributes.
std::string objects_error(const std::string& objects);

}  // namespace sscsi::azure::test
