#include "request_builder.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "common/mount_error.h"

namespace sscsi::azure::test {

std::string objects_yaml(std::initializer_list<std::string> items) {
  std::string out = "array:\n";
  for (const auto& item : items) {
    out += "  - |\n";
    std::istringstream lines(item);
    std::string line;
    while (std::getline(lines, line)) out += "    " + line + "\n";
  }
  return out;
}

Attributes base_attributes() {
  return {{kPodName, "pod-1"},
          {kPodNamespace, "ns-1"},
          {"keyvaultName", "testkv"},
          {"tenantID", "tenant-1"},
          {"objects", objects_yaml({"objectName: secret1\nobjectType: secret"})}};
}

std::string service_account_tokens(std::initializer_list<std::string> audiences,
                                   const std::string& token) {
  nlohmann::json tokens = nlohmann::json::object();
  for (const auto& audience : audiences) {
    tokens[audience] = {{"token", token + "-" + audience},
                        {"expirationTimestamp", "2030-01-01T00:00:00Z"}};
  }
  return tokens.dump();
}

std::string to_json(const Attributes& attributes) { return nlohmann::json(attributes).dump(); }

std::string sp_secrets() {
  return nlohmann::json{{"clientid", "sp-client-id"}, {"clientsecret", kPlantedSecret}}.dump();
}

MountRequest parse(const Attributes& attributes, const std::string& secrets,
                   std::uint32_t default_mode) {
  return parse_mount_request(to_json(attributes), secrets, default_mode);
}

std::string error_of(const std::function<void()>& call) {
  try {
    call();
  } catch (const MountError& e) {
    EXPECT_EQ(e.code(), SSCSI_INVALID_PARAMETERS) << e.what();
    return e.what();
  }
  ADD_FAILURE() << "no MountError thrown";
  return "";
}

std::string parse_error(const Attributes& attributes, const std::string& secrets,
                        std::uint32_t default_mode) {
  return error_of([&] { parse(attributes, secrets, default_mode); });
}

std::string objects_error(const std::string& objects) {
  Attributes attributes = base_attributes();
  attributes["objects"] = objects;
  return parse_error(attributes);
}

}  // namespace sscsi::azure::test
