#include "identity/token_requests.h"

#include <gtest/gtest.h>

#include "fake_transport.h"

namespace sscsi::azure {
namespace {

using testing::FakeTransport;
using testing::json_answer;

constexpr const char* kAuthority = "https://login.microsoftonline.com/";

TEST(EntraTokenUrl, V2EndpointPerTenant) {
  EXPECT_EQ(entra_token_url(kAuthority, "72f988bf-86f1-41af-91ab-2d7cd011db47"),
            "https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/oauth2/v2.0/"
            "token");
  EXPECT_EQ(entra_token_url("https://login.chinacloudapi.cn", "contoso.onmicrosoft.com"),
            "https://login.chinacloudapi.cn/contoso.onmicrosoft.com/oauth2/v2.0/token");
}

TEST(EntraTokenUrl, AdfsUsesItsOwnAuthority) {
  EXPECT_EQ(entra_token_url("https://adfs.contoso.com/", "adfs"),
            "https://adfs.contoso.com/adfs/oauth2/token");
}

TEST(EntraTokenUrl, RefusesTenantsThatAreNotNames) {
  for (const char* tenant :
       {"", "../other", "a/b", "a b", "t?x=1", "t#f", ".hidden", "a..b", "t%2F"}) {
    try {
      entra_token_url(kAuthority, tenant);
      ADD_FAILURE() << tenant;
    } catch (const MountError& error) {
      EXPECT_EQ(error.code(), SSCSI_INVALID_PARAMETERS);
      EXPECT_NE(std::string(error.what()).find("is not a tenant ID or domain name"),
                std::string::npos);
    }
  }
  EXPECT_THROW(entra_token_url(kAuthority, std::string(300, 'a')), MountError);
}

TEST(EntraTokenUrl, RefusesAPlainHttpAuthority) {
  EXPECT_THROW(entra_token_url("http://login.microsoftonline.com/", "t"), MountError);
}

TEST(TokenForms, ServicePrincipalFormAsMsalSendsIt) {
  const HttpRequest request =
      client_secret_token_request("https://login.microsoftonline.com/t/oauth2/v2.0/token",
                                  "client-1", "s3cr&t", "https://vault.azure.net/.default");
  EXPECT_EQ(request.method, "POST");
  EXPECT_EQ(request.content_type, "application/x-www-form-urlencoded");
  EXPECT_FALSE(request.allow_plain_http);
  EXPECT_EQ(view(request.body),
            "client_id=client-1&client_secret=s3cr%26t&grant_type=client_credentials&"
            "scope=https%3A%2F%2Fvault.azure.net%2F.default+openid+offline_access+profile");
}

TEST(TokenForms, WorkloadIdentityFormWithClientInfo) {
  const HttpRequest request =
      client_assertion_token_request("https://login.microsoftonline.com/t/oauth2/v2.0/token",
                                     "client-1", "eyJ.sa.jwt", "https://vault.azure.net/.default");
  EXPECT_EQ(view(request.body),
            "client_assertion=eyJ.sa.jwt&client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3A"
            "client-assertion-type%3Ajwt-bearer&client_id=client-1&client_info=1&"
            "grant_type=client_credentials&"
            "scope=https%3A%2F%2Fvault.azure.net%2F.default+openid+offline_access+profile");
}

TEST(TokenForms, ImdsSystemAssignedOmitsClientId) {
  const HttpRequest request =
      imds_token_request("http://169.254.169.254", "", "https://vault.azure.net");
  EXPECT_EQ(request.method, "GET");
  EXPECT_EQ(request.url,
            "http://169.254.169.254/metadata/identity/oauth2/token?api-version=2018-02-01&"
            "resource=https%3A%2F%2Fvault.azure.net");
  EXPECT_TRUE(request.allow_plain_http);
  ASSERT_EQ(request.headers.size(), 1u);
  EXPECT_EQ(request.headers[0], (std::pair<std::string, std::string>{"Metadata", "true"}));
}

TEST(TokenForms, ImdsUserAssignedSendsClientId) {
  const HttpRequest request =
      imds_token_request("http://127.0.0.1:8080/", "0000-1111", "https://vault.azure.net");
  EXPECT_EQ(request.url,
            "http://127.0.0.1:8080/metadata/identity/oauth2/token?api-version=2018-02-01&"
            "resource=https%3A%2F%2Fvault.azure.net&client_id=0000-1111");
}

TEST(TokenForms, NmiRequestAsUpstream) {
  const HttpRequest request =
      nmi_token_request("http://localhost:2579", "https://vault.azure.net", "ns1", "pod-a");
  EXPECT_EQ(request.url, "http://localhost:2579/host/token/?resource=https://vault.azure.net");
  EXPECT_EQ(request.headers, (std::vector<std::pair<std::string, std::string>>{
                                 {"podns", "ns1"}, {"podname", "pod-a"}}));
  EXPECT_TRUE(request.allow_plain_http);
}

TEST(ExchangeToken, ReturnsTheTokenOnSuccess) {
  FakeTransport fake;
  fake.on("POST https://login", {json_answer(200, R"({"access_token":"tok","expires_in":60})")});
  const AccessToken token = exchange_token(
      fake, client_secret_token_request("https://login/t/oauth2/v2.0/token", "c", "s", "x"),
      TokenService::EntraId, "sp token", CallControl());
  EXPECT_EQ(view(token.token), "tok");
  EXPECT_EQ(fake.requests().size(), 1u);
}

TEST(ExchangeToken, MapsFailures) {
  FakeTransport fake;
  fake.on("GET http://imds", {json_answer(400, R"({"error":"invalid_request",)"
                                               R"("error_description":"Identity not found"})")});
  try {
    exchange_token(fake, imds_token_request("http://imds", "c", "r"), TokenService::Imds,
                   "managed identity token", CallControl());
    FAIL();
  } catch (const MountError& error) {
    EXPECT_EQ(error.code(), SSCSI_INVALID_PARAMETERS);
    EXPECT_STREQ(error.what(),
                 "managed identity token: HTTP 400: invalid_request: Identity not found");
  }
}

TEST(ExchangeToken, NmiAnswersUseTheNmiParser) {
  FakeTransport fake;
  fake.on("GET http://nmi", {json_answer(200, R"({"token":{"access_token":"n"},"clientid":"c"})")});
  const AccessToken token = exchange_token(fake, nmi_token_request("http://nmi", "r", "ns", "p"),
                                           TokenService::Nmi, "nmi", CallControl());
  EXPECT_EQ(view(token.token), "n");
}

}  // namespace
}  // namespace sscsi::azure
