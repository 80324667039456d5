// The serviceAccount.tokens attribute (reference azure-provider.md §10.1 case 34).
#include <gtest/gtest.h>

#include "params/service_account_tokens.h"
#include "request_builder.h"

namespace sscsi::azure {
namespace {

std::string token_error(const std::string& json, std::string_view audience) {
  return test::error_of([&] { parse_service_account_token(json, audience); });
}

TEST(ServiceAccountTokens, ReturnsTheTokenOfTheAudience) {
  const std::string json =
      R"({"api://AzureADTokenExchange":{"token":"wi-jwt","expirationTimestamp":"2030-01-01T00:00:00Z"},)"
      R"("api://AKSIdentityBinding":{"token":"ib-jwt","expirationTimestamp":"2030-01-01T00:00:00Z"}})";
  EXPECT_EQ(view(parse_service_account_token(json, kWorkloadIdentityAudience)), "wi-jwt");
  EXPECT_EQ(view(parse_service_account_token(json, kIdentityBindingAudience)), "ib-jwt");
}

TEST(ServiceAccountTokens, UpstreamErrors) {
  const auto aud = kWorkloadIdentityAudience;
  EXPECT_EQ(token_error("", aud), "service account tokens not found");
  EXPECT_EQ(token_error("invalid", aud),
            "failed to unmarshal service account tokens, error: invalid JSON (syntax error at "
            "byte 1)");
  EXPECT_EQ(token_error("{\"api://AzureADTokenExchange\":", aud),
            "failed to unmarshal service account tokens, error: unexpected end of JSON input");
  EXPECT_EQ(token_error("\"x\"", aud),
            "failed to unmarshal service account tokens, error: json: cannot unmarshal string into "
            "Go value of type map[string]interface {}");
  // encoding/json would skip an unknown member's number however large; nlohmann cannot hold
  // one beyond a double, so the whole text is refused as malformed, without quoting it.
  EXPECT_EQ(token_error(R"({"api://AzureADTokenExchange":{"token":"wi-jwt","x":1e400}})", aud),
            "failed to unmarshal service account tokens, error: invalid JSON (a number is out of "
            "range)");
  EXPECT_EQ(token_error("{}", aud), "token for audience api://AzureADTokenExchange not found");
  EXPECT_EQ(token_error("null", aud), "token for audience api://AzureADTokenExchange not found");
  EXPECT_EQ(token_error(R"({"api://AzureADTokenExchange":{"token":12345}})", aud),
            "token for audience api://AzureADTokenExchange not found");
}

TEST(ServiceAccountTokens, EntriesWithoutAUsableTokenAreNotFound) {
  // Upstream panics on a non-object entry; an empty token cannot be exchanged either.
  const auto aud = kWorkloadIdentityAudience;
  for (const char* json : {R"({"api://AzureADTokenExchange":"jwt"})",
                           R"({"api://AzureADTokenExchange":{"expirationTimestamp":"x"}})",
                           R"({"api://AzureADTokenExchange":{"token":""}})",
                           R"({"api://AzureADTokenExchange":null})"}) {
    EXPECT_EQ(token_error(json, aud), "token for audience api://AzureADTokenExchange not found")
        << json;
  }
}

}  // namespace
}  // namespace sscsi::azure
