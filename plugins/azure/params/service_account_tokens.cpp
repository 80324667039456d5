#include "params/service_account_tokens.h"

#include <string>

#include <nlohmann/json.hpp>

#include "common/mount_error.h"
#include "params/json_text.h"

namespace sscsi::azure {
namespace {

// The token strings sit two levels down; wipe them before the DOM frees its buffers.
struct WipeTokens {
  nlohmann::json& doc;
  ~WipeTokens() {
    if (!doc.is_object()) return;
    for (auto& entry : doc) wipe_json_strings(entry);
  }
};

}  // namespace

SecretString parse_service_account_token(std::string_view tokens_json, std::string_view audience) {
  if (tokens_json.empty()) throw invalid_parameters("service account tokens not found");

  const std::string prefix = "failed to unmarshal service account tokens, error: ";
  nlohmann::json doc = parse_json_quietly(tokens_json, prefix);
  WipeTokens wipe{doc};
  // A JSON null unmarshals into an empty map in Go and then misses the audience below.
  if (!doc.is_object() && !doc.is_null()) {
    throw invalid_parameters(prefix + "json: cannot unmarshal " +
                             std::string(go_json_type_word(doc)) +
                             " into Go value of type map[string]interface {}");
  }
  const std::string not_found = "token for audience " + std::string(audience) + " not found";
  if (doc.is_null()) throw invalid_parameters(not_found);
  const auto entry = doc.find(std::string(audience));
  // Upstream panics on an entry that is not an object; an entry without a usable token is simply
  // "not found" here. An empty token counts as missing too: exchanging it can only fail.
  if (entry == doc.end() || !entry->is_object()) throw invalid_parameters(not_found);
  const auto token = entry->find("token");
  if (token == entry->end() || !token->is_string() ||
      token->get_ref<const std::string&>().empty()) {
    throw invalid_parameters(not_found);
  }
  return make_secret(token->get_ref<const std::string&>());
}

}  // namespace sscsi::azure
