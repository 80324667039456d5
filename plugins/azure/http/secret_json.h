#pragma once
// JSON for answers that may hold secrets (tokens, secret values): nlohmann::json with
// SecretString as its string type, so every string in the parsed tree is wiped when freed.
// Parse errors report only the byte offset: nlohmann's own message quotes the input. A number
// no double can hold (1e400) is refused too: nlohmann cannot represent it, and throws
// out_of_range rather than parse_error for it.

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/secret_string.h"

namespace sscsi::azure {

using SecretJson = nlohmann::basic_json<std::map, std::vector, SecretString>;

struct SecretJsonParse {
  std::optional<SecretJson> value;  // nullopt when the text is not JSON
  std::size_t error_byte = 0;       // where a syntax error is (1-based, as nlohmann counts), else 0
  std::string error;  // "parse error at byte <n>" or "a number is out of range"; "" when parsed
};

SecretJsonParse parse_secret_json(std::string_view text);

// The string member `name` of object `object`, or null when absent or not a string.
const SecretString* json_string(const SecretJson& object, std::string_view name);

}  // namespace sscsi::azure
