// No message ever carries a token or a client secret: bad requests with planted values in the
// serviceAccount.tokens attribute and in the secrets, each failing somewhere different.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "request_builder.h"

namespace sscsi::azure {
namespace {

using test::Attributes;
using test::kPlantedSecret;
using test::kPlantedToken;

struct Case {
  std::string name;
  Attributes attributes;
  std::string secrets;
};

Attributes with(Attributes attributes, const std::string& key, const std::string& value) {
  attributes[key] = value;
  return attributes;
}

std::string secrets_with(const nlohmann::json& extra) {
  nlohmann::json secrets = {{"clientid", "sp-id"}, {"clientsecret", kPlantedSecret}};
  secrets.update(extra);
  return secrets.dump();
}

std::vector<Case> cases() {
  const std::string token(kPlantedToken);
  const std::string secret(kPlantedSecret);
  Attributes wi = test::base_attributes();
  wi["clientID"] = "wi-client";
  wi[test::kTokens] = test::service_account_tokens({"api://AzureADTokenExchange"});
  Attributes ib = with(wi, "useAzureTokenProxy", "true");
  const std::string planted_secrets = test::sp_secrets();
  return {
      {"truncated tokens JSON",
       with(wi, test::kTokens, R"({"api://AzureADTokenExchange":{"token":")" + token),
       planted_secrets},
      {"token as bare JSON text", with(wi, test::kTokens, "\"" + token + "\" junk"),
       planted_secrets},
      {"token without quotes", with(wi, test::kTokens, "{\"a\": " + token + "}"), planted_secrets},
      {"token as a number key", with(wi, test::kTokens, "[\"" + token + "\"]"), planted_secrets},
      {"token under the wrong audience",
       with(wi, test::kTokens, test::service_account_tokens({"api://other"})), planted_secrets},
      {"token for identity binding missing", ib, planted_secrets},
      {"token entry not an object",
       with(wi, test::kTokens, nlohmann::json{{"api://AzureADTokenExchange", token}}.dump()),
       planted_secrets},
      {"secret as a number neighbour", test::base_attributes(), secrets_with({{"clientid", 7}})},
      {"secret in truncated secrets JSON", test::base_attributes(),
       R"({"clientsecret":")" + secret},
      {"secret after a syntax error", test::base_attributes(),
       R"({"clientid":"x",, "clientsecret":")" + secret + "\"}"},
      {"secret with an ambiguous key", test::base_attributes(),
       secrets_with({{"ClientSecret", secret + "-other"}})},
      {"secret without client id", test::base_attributes(),
       nlohmann::json{{"clientsecret", secret}}.dump()},
      {"token with a bad flag", with(wi, "usePodIdentity", "maybe"), planted_secrets},
      {"token with two modes", with(with(wi, "usePodIdentity", "1"), "useVMManagedIdentity", "1"),
       planted_secrets},
      {"token with bad objects", with(wi, "objects", "array: [x"), planted_secrets},
      {"token with a bad object", with(wi, "objects", "array:\n  - objectName: [a]"),
       planted_secrets},
      {"secret with a bad object", with(test::base_attributes(), "objects", "- a"),
       planted_secrets},
      {"secret with a bad permission",
       with(test::base_attributes(), "objects",
            test::objects_yaml({"objectName: a\nobjectType: secret\nfilePermission: 999"})),
       planted_secrets},
      {"token with colliding objects",
       with(wi, "objects",
            test::objects_yaml(
                {"objectName: a\nobjectType: secret", "objectName: a\nobjectType: key"})),
       planted_secrets},
      {"vault name missing", with(wi, "keyvaultName", ""), planted_secrets},
  };
}

TEST(SecretCanary, NoMessageContainsAPlantedValue) {
  const std::string token(kPlantedToken);
  const std::string secret(kPlantedSecret);
  for (const auto& c : cases()) {
    const std::string message = test::parse_error(c.attributes, c.secrets);
    EXPECT_FALSE(message.empty()) << c.name;
    // Whole values and distinctive pieces of them.
    for (const std::string& needle :
         {token, secret, std::string("PLANTED"), std::string("c4n4ry"), std::string("Xq7~9f")}) {
      EXPECT_EQ(message.find(needle), std::string::npos) << c.name << ": " << message;
    }
  }
}

TEST(SecretCanary, RawJsonAroundAnErrorIsNotQuoted) {
  // nlohmann's own texts quote the bytes read before the error; ours give the position only.
  const std::string attributes =
      "{\"" + std::string(test::kTokens) + "\": \"" + kPlantedToken + "\\q\"}";
  const std::string message =
      test::error_of([&] { parse_mount_request(attributes, test::sp_secrets(), 0644); });
  EXPECT_EQ(message.rfind(
                "failed to unmarshal attributes, error: invalid JSON (syntax error at byte ", 0),
            0u)
      << message;
  EXPECT_EQ(message.find("PLANTED"), std::string::npos) << message;
}

}  // namespace
}  // namespace sscsi::azure
