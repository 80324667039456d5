#pragma once
// JSON for answers that may hold secrets (tokens, secret values): nlohmann::json with
// SecretString as its string type, so every string in the parsed tree is wiped when freed.
// Parse errors report only the byte offset: nlohmann's own message quotes the input.

#include <cstddef>
#include <map>
#include <optional>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/secret_string.h"

namespace sscsi::azure {

using SecretJson = nlohmann::basic_json<std::map, std::vector, SecretString>;

struct SecretJsonParse {
  std::optional<SecretJson> value;  // nullopt when the text is not JSON
  std::size_t error_byte = 0;       // where parsing failed (1-based, as nlohmann counts)
};

SecretJsonParse parse_secret_json(std::string_view text);

// The string member `name` of object `object`, or null when absent or not a string.
const SecretString* json_string(const SecretJson& object, std::string_view name);

}  // namespace sscsi::azure
