#pragma once
// Reading the request's JSON without ever echoing it: the attributes carry service-account
// tokens and the secrets carry credentials, so error texts name positions and JSON types only
// (nlohmann's own messages quote the bytes around the error, which could be part of a secret).

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

namespace sscsi::azure {

// Parses `text`; throws MountError(SSCSI_INVALID_PARAMETERS) whose message is `prefix` followed
// by Go's "unexpected end of JSON input" for empty or truncated input, else by
// "invalid JSON (syntax error at byte <n>)", or "invalid JSON (a number is out of range)" for a
// number no double can hold.
nlohmann::json parse_json_quietly(std::string_view text, std::string_view prefix);

// The word encoding/json uses for a value's type in "cannot unmarshal <word> into ...":
// object, array, string, number, bool, null.
std::string_view go_json_type_word(const nlohmann::json& value);

// Zeroes the bytes of every string directly inside `value` (one level deep, so that deeply
// nested hostile input cannot make this recurse), before the DOM releases its buffers.
void wipe_json_strings(nlohmann::json& value) noexcept;

}  // namespace sscsi::azure
