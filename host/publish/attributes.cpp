#include "publish/attributes.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>
#include <stdexcept>

namespace sscsi::publish {
namespace {

std::string dump(const nlohmann::json& object, const char* what) {
  try {
    return object.dump();
  } catch (const nlohmann::json::type_error&) {
    // The library's message quotes the offending bytes, which may be secret: find the key
    // ourselves and name only that.
    for (const auto& [key, value] : object.items()) {
      try {
        (void)nlohmann::json(key).dump();
        (void)value.dump();
      } catch (const nlohmann::json::type_error&) {
        throw std::invalid_argument(
            fmt::format("{} entry {} is not valid UTF-8", what,
                        nlohmann::json(key).dump(-1, ' ', false,
                                                 nlohmann::json::error_handler_t::replace)));
      }
    }
    throw std::invalid_argument(fmt::format("{} is not valid UTF-8", what));
  }
}

}  // namespace

std::string attributes_json(const std::map<std::string, std::string>& parameters,
                            const std::map<std::string, std::string>& volume_context,
                            const std::map<std::string, std::string>& secrets) {
  nlohmann::json attributes = nlohmann::json::object();
  for (const auto& [key, value] : parameters) attributes[key] = value;
  for (const auto& [key, value] : volume_context) attributes[key] = value;
  if (auto tokens = secrets.find(kTokensKey); tokens != secrets.end()) {
    attributes[kTokensKey] = tokens->second;
  }
  return dump(attributes, "attribute");
}

std::string secrets_json(const std::map<std::string, std::string>& secrets) {
  nlohmann::json object = nlohmann::json::object();
  for (const auto& [key, value] : secrets) object[key] = value;
  return dump(object, "secret");
}

}  // namespace sscsi::publish
