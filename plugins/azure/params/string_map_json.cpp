#include "params/string_map_json.h"

#include <nlohmann/json.hpp>

#include "common/mount_error.h"
#include "params/go_strings.h"
#include "params/json_text.h"

namespace sscsi::azure {
namespace {

// Keys are parameter names, not secrets, but a hostile one could be huge.
constexpr std::size_t kMaxQuotedKey = 128;

std::string quote_key(std::string_view key) {
  if (key.size() <= kMaxQuotedKey) return go_quote(key);
  return go_quote(key.substr(0, kMaxQuotedKey)) + "...";
}

}  // namespace

std::optional<StringMap> parse_string_map_json(std::string_view json, std::string_view what) {
  const std::string prefix = "failed to unmarshal " + std::string(what) + ", error: ";
  nlohmann::json doc = parse_json_quietly(json, prefix);
  struct Wipe {
    nlohmann::json& doc;
    ~Wipe() { wipe_json_strings(doc); }
  } wipe{doc};

  if (doc.is_null()) return std::nullopt;
  if (!doc.is_object()) {
    throw invalid_parameters(prefix + "json: cannot unmarshal " +
                             std::string(go_json_type_word(doc)) +
                             " into Go value of type map[string]string");
  }
  StringMap map;
  for (auto& [key, value] : doc.items()) {
    if (value.is_null()) {
      map.insert_or_assign(key, SecretString{});
    } else if (value.is_string()) {
      map.insert_or_assign(key, make_secret(value.get_ref<const std::string&>()));
    } else {
      // Deliberately clearer than encoding/json, which does not say which key was wrong.
      throw invalid_parameters(
          prefix + "json: cannot unmarshal " + std::string(go_json_type_word(value)) +
          " into Go value of type string (the value of key " + quote_key(key) + ")");
    }
  }
  return map;
}

std::string_view lookup(const StringMap& map, std::string_view key) {
  const auto it = map.find(key);
  return it == map.end() ? std::string_view{} : view(it->second);
}

}  // namespace sscsi::azure
