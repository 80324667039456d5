#pragma once
// The request's attributes and nodePublishSecretRef secrets: JSON objects of strings (the Go
// server unmarshals them into map[string]string). Values stay in SecretString because both
// maps carry secrets (service-account tokens, client secrets).

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "common/secret_string.h"

namespace sscsi::azure {

using StringMap = std::map<std::string, SecretString, std::less<>>;

// Parses `json`; JSON null gives nullopt (a nil map in Go), and a null value counts as "" (as
// encoding/json leaves the string empty). Throws MountError(SSCSI_INVALID_PARAMETERS)
// "failed to unmarshal <what>, error: <cause>", where the cause names JSON positions, types and
// keys but never a value.
std::optional<StringMap> parse_string_map_json(std::string_view json, std::string_view what);

// The value under `key`, or "" when absent.
std::string_view lookup(const StringMap& map, std::string_view key);

}  // namespace sscsi::azure
