#include "identity/challenge.h"

#include <gtest/gtest.h>

#include "common/mount_error.h"

namespace sscsi::azure {
namespace {

constexpr const char* kKeyVaultChallenge =
    "Bearer authorization=\"https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47"
    "\", resource=\"https://vault.azure.net\"";

TEST(ParseBearerChallenge, KeyVaultsOwnHeader) {
  const auto challenge = parse_bearer_challenge(kKeyVaultChallenge);
  ASSERT_TRUE(challenge.has_value());
  EXPECT_EQ(challenge->authorization,
            "https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47");
  EXPECT_EQ(challenge->resource, "https://vault.azure.net");
  EXPECT_EQ(challenge->scope, "");
  EXPECT_EQ(challenge_scope(*challenge), "https://vault.azure.net/.default");
}

TEST(ParseBearerChallenge, ScopeIsPreferredOverResource) {
  const auto challenge = parse_bearer_challenge(
      "Bearer authorization=\"https://login.microsoftonline.com/t\", "
      "resource=\"https://vault.azure.net\", scope=\"https://vault.azure.net/custom.scope\"");
  ASSERT_TRUE(challenge.has_value());
  EXPECT_EQ(challenge_scope(*challenge), "https://vault.azure.net/custom.scope");
}

TEST(ParseBearerChallenge, AuthorizationUriAlsoCounts) {
  const auto challenge =
      parse_bearer_challenge("Bearer authorization_uri=\"https://login/t\" resource=\"r\"");
  ASSERT_TRUE(challenge.has_value());
  EXPECT_EQ(challenge->authorization, "https://login/t");
}

// Malformed or unusual headers: never a crash, and the most sensible reading.
struct Case {
  const char* header;
  bool bearer;
  const char* resource;
  const char* scope;
};

class MalformedChallenge : public ::testing::TestWithParam<Case> {};

TEST_P(MalformedChallenge, ParsesRobustly) {
  const Case& c = GetParam();
  const auto challenge = parse_bearer_challenge(c.header);
  ASSERT_EQ(challenge.has_value(), c.bearer) << c.header;
  if (!challenge) return;
  EXPECT_EQ(challenge->resource, c.resource) << c.header;
  EXPECT_EQ(challenge->scope, c.scope) << c.header;
}

INSTANTIATE_TEST_SUITE_P(
    Headers, MalformedChallenge,
    ::testing::Values(
        Case{"", false, "", ""},                       //
        Case{"   ", false, "", ""},                    //
        Case{"Basic realm=\"vault\"", false, "", ""},  // another scheme only
        Case{"Bearer", true, "", ""},                  // no parameters
        Case{"bearer resource=https://vault.azure.net", true, "https://vault.azure.net", ""},
        Case{"BEARER RESOURCE=\"r\", SCOPE=\"s\"", true, "r", "s"},  // case-insensitive
        Case{"Bearer resource=\"https://vault.azure.net", true, "https://vault.azure.net", ""},
        Case{"Bearer ,,, resource = \"r\" ,,", true, "r", ""},            // stray commas, spaces
        Case{"Bearer =\"x\", resource=\"r\"", true, "r", ""},             // value without a name
        Case{"Bearer \"just quoted\" resource=\"r\"", true, "r", ""},     // quoted junk
        Case{"Bearer resource", true, "", ""},                            // name, no value
        Case{"Bearer resource=", true, "", ""},                           // empty unquoted value
        Case{"Bearer resource=\"\", scope=\"\"", true, "", ""},           // empty quoted values
        Case{"Basic realm=\"a\", Bearer resource=\"r\"", true, "r", ""},  // second challenge
        Case{"Bearer resource=\"a\", Bearer resource=\"b\"", true, "a", ""},  // first wins
        Case{"Bearer resource=\"a\" resource=\"b\"", true, "a", ""},          // repeated parameter
        Case{"Bearer resource=\"a\\\"b\"", true, "a\"b", ""},                 // escaped quote
        Case{"Bearer resource=https://v.net,scope=x", true, "https://v.net", "x"},  // no spaces
        Case{"Bearer a=b=c, resource=r", true, "r", ""},             // '=' inside a value
        Case{"Bearer abc==", true, "", ""},                          // token68
        Case{"===,,\"\"\"", false, "", ""},                          // only punctuation
        Case{"\x01\x02\xff\xfe Bearer resource=r", true, "r", ""},   // binary junk first
        Case{"Negotiate abc==, Bearer scope=\"s\"", true, "", "s"},  //
        Case{"Bearer\tresource=\"r\"\r\n", true, "r", ""}));         // tabs, CRLF

TEST(ParseBearerChallenge, VeryLongHeadersAreFine) {
  const std::string header = "Bearer resource=\"" + std::string(100000, 'x') + "\"";
  const auto challenge = parse_bearer_challenge(header);
  ASSERT_TRUE(challenge.has_value());
  EXPECT_EQ(challenge->resource.size(), 100000u);
}

// Reference §10.1 case 35.
TEST(ScopeFromResource, UpstreamCases) {
  EXPECT_EQ(scope_from_resource("https://vault.azure.net"), "https://vault.azure.net/.default");
  EXPECT_EQ(scope_from_resource("https://vault.azure.net/.default"),
            "https://vault.azure.net/.default");
  EXPECT_EQ(scope_from_resource("https://vault.azure.net/"), "https://vault.azure.net//.default");
}

TEST(ChallengeScope, EmptyWithoutResourceOrScope) {
  EXPECT_EQ(challenge_scope(BearerChallenge{"https://login/t", "", ""}), "");
}

TEST(ResourceFromScope, DropsTheDefaultSuffix) {
  EXPECT_EQ(resource_from_scope("https://vault.azure.net/.default"), "https://vault.azure.net");
  EXPECT_EQ(resource_from_scope("https://vault.azure.net"), "https://vault.azure.net");
  EXPECT_EQ(resource_from_scope("https://vault.azure.net//.default"), "https://vault.azure.net/");
}

TEST(VerifyChallengeScope, VaultInsideTheResourceDomainPasses) {
  EXPECT_NO_THROW(verify_challenge_scope("https://myvault.vault.azure.net/",
                                         "https://vault.azure.net/.default"));
  EXPECT_NO_THROW(verify_challenge_scope("https://MyVault.Vault.Azure.Net/",
                                         "https://VAULT.azure.net/.default"));
  EXPECT_NO_THROW(
      verify_challenge_scope("https://kv.vault.azure.cn/", "https://vault.azure.cn//.default"));
}

void expect_refused(const char* vault, const char* scope, const char* expected_prefix) {
  try {
    verify_challenge_scope(vault, scope);
    ADD_FAILURE() << vault << " accepted " << scope;
  } catch (const MountError& error) {
    EXPECT_EQ(error.code(), SSCSI_UNAUTHORIZED);
    const std::string message = error.what();
    EXPECT_EQ(message.rfind(expected_prefix, 0), 0u) << message;
    // Unlike upstream, the message does not suggest switching verification off.
    EXPECT_EQ(message.find("DisableChallengeResourceVerification"), std::string::npos);
  }
}

TEST(VerifyChallengeScope, ForeignResourcesAreRefused) {
  expect_refused("https://myvault.vault.azure.net/", "https://evil.example.com/.default",
                 "challenge resource \"evil.example.com\" doesn't match the requested domain");
  expect_refused("https://myvault.vault.azure.net/", "https://vault.azure.cn/.default",
                 "challenge resource \"vault.azure.cn\" doesn't match the requested domain");
  // A suffix that is not at a label boundary does not count.
  expect_refused("https://myvaultvault.azure.net/", "https://vault.azure.net/.default",
                 "challenge resource \"vault.azure.net\" doesn't match");
  // The resource host itself is not a vault inside it.
  expect_refused("https://vault.azure.net/", "https://vault.azure.net/.default",
                 "challenge resource \"vault.azure.net\" doesn't match");
  expect_refused("https://myvault.vault.azure.net/", "not a url",
                 "challenge resource \"not a url\"");
}

// The vault answers the challenge, so its resource is hostile input: only a plain https URL of
// a DNS name is compared (on the parsed host), never one whose user info, port, query or
// fragment could make the scope requested differ from the host that was checked.
TEST(VerifyChallengeScope, ResourcesThatAreNotPlainHttpsDnsUrlsAreRefused) {
  const char* vault = "https://myvault.vault.azure.net/";
  expect_refused(vault, "https://evil@vault.azure.net/.default",
                 "challenge resource from vault myvault.vault.azure.net has user info");
  expect_refused(vault, "https://evil.example.com:x@vault.azure.net/.default",
                 "challenge resource from vault myvault.vault.azure.net has user info");
  expect_refused(vault, "https://vault.azure.net:8443/.default",
                 "challenge resource from vault myvault.vault.azure.net names port 8443");
  expect_refused(vault, "http://vault.azure.net/.default",
                 "challenge resource from vault myvault.vault.azure.net is not an https URL");
  expect_refused(vault, "https://vault.azure.net/?x=/.default",
                 "challenge resource from vault myvault.vault.azure.net has a query or fragment");
  expect_refused(vault, "https://vault.azure.net/#/.default",
                 "challenge resource from vault myvault.vault.azure.net has a query or fragment");
  expect_refused("https://kv.vault.azure.net/", "https://net/.default",
                 "challenge resource from vault kv.vault.azure.net has host \"net\", which is "
                 "not a DNS name with two labels or more");
  expect_refused("https://kv.vault.azure.net/", "https://[::1]/.default",
                 "challenge resource from vault kv.vault.azure.net has host \"::1\"");
  // The default port spelled out is the same URL.
  EXPECT_NO_THROW(verify_challenge_scope(vault, "https://vault.azure.net:443/.default"));
}

}  // namespace
}  // namespace sscsi::azure
