#include "identity/token_source.h"

#include <gtest/gtest.h>

#include "common/mount_error.h"
#include "fake_transport.h"
#include "jwt_builder.h"

namespace sscsi::azure {
namespace {

using testing::FakeTransport;
using testing::json_answer;
using testing::service_account_jwt;

constexpr const char* kScope = "https://vault.azure.net/.default";
constexpr const char* kTokenAnswer = R"({"access_token":"aad-token","expires_in":3600})";

CloudEnvironment public_cloud() {
  return CloudEnvironment{"AzurePublicCloud", "https://login.microsoftonline.com/",
                          "https://vault.azure.net/", "vault.azure.net"};
}

MountRequest workload_request(const std::string& ns = "ns1", const std::string& sa = "sa-one") {
  MountRequest request;
  request.pod_name = "pod-a";
  request.pod_namespace = ns;
  request.service_account_name = sa;
  request.mode = IdentityMode::WorkloadIdentity;
  request.tenant_id = "tenant-1";
  request.client_id = "client-1";
  request.assertion_token = make_secret(service_account_jwt(ns, sa));
  return request;
}

class TokenSourceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    entra.on("POST https://login.microsoftonline.com/", {json_answer(200, kTokenAnswer)});
    imds.on("GET http://169.254.169.254/",
            {json_answer(200, R"({"access_token":"imds-token","expires_in":"86399"})")});
    nmi.on("GET http://localhost:2579/",
           {json_answer(200, R"({"token":{"access_token":"nmi-token","expires_on":"4102444800"},)"
                             R"("clientid":"c"})")});
    services.entra = &entra;
    services.imds = &imds;
    services.nmi = &nmi;
    services.cache = &cache;
    services.notices = &notices;
  }

  std::string token(const MountRequest& request, bool refresh = false) {
    const BearerTokenSource source = make_token_source(services, request, public_cloud());
    return std::string(view(source(kScope, refresh, CallControl())));
  }

  FakeTransport entra;
  FakeTransport imds;
  FakeTransport nmi;
  TokenCache cache;
  std::vector<std::string> notes;
  NoticeOnce notices{[this](std::string_view message) { notes.emplace_back(message); }};
  IdentityServices services;
};

TEST_F(TokenSourceTest, WorkloadIdentitySendsTheAssertionForm) {
  const MountRequest request = workload_request();
  EXPECT_EQ(token(request), "aad-token");
  const auto sent = entra.requests();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].url, "https://login.microsoftonline.com/tenant-1/oauth2/v2.0/token");
  EXPECT_NE(sent[0].body.find("client_assertion=" + std::string(view(request.assertion_token))),
            std::string::npos);
  EXPECT_NE(sent[0].body.find("client_id=client-1&client_info=1&grant_type=client_credentials"),
            std::string::npos);
}

TEST_F(TokenSourceTest, PodsOfOneServiceAccountShareATokenWithDifferentSaTokens) {
  MountRequest first = workload_request();
  MountRequest second = workload_request();
  second.pod_name = "pod-b";
  // kubelet mints a token per pod: same subject, different bytes.
  second.assertion_token = make_secret(std::string(view(first.assertion_token)) + "x");
  token(first);
  token(second);
  EXPECT_EQ(entra.requests().size(), 1u);
}

TEST_F(TokenSourceTest, AnotherServiceAccountNeverReusesTheToken) {
  token(workload_request("ns1", "sa-one"));
  token(workload_request("ns1", "sa-two"));
  token(workload_request("ns2", "sa-one"));
  EXPECT_EQ(entra.requests().size(), 3u);
}

TEST_F(TokenSourceTest, ATokenNamingAnotherSubjectIsNotShared) {
  MountRequest honest = workload_request("ns1", "sa-one");
  MountRequest odd = workload_request("ns1", "sa-one");
  odd.assertion_token = make_secret(service_account_jwt("ns9", "intruder"));
  token(honest);
  token(odd);
  token(odd);  // its own entry, keyed by the assertion's digest
  EXPECT_EQ(entra.requests().size(), 2u);
}

TEST_F(TokenSourceTest, SubjectFromTheTokenWhenTheRequestNamesNoServiceAccount) {
  MountRequest a = workload_request("ns1", "");
  a.assertion_token = make_secret(service_account_jwt("ns1", "sa-one"));
  MountRequest b = a;
  b.assertion_token = make_secret(service_account_jwt("ns1", "sa-one") + "y");
  MountRequest c = a;
  c.assertion_token = make_secret(service_account_jwt("ns1", "sa-two"));
  token(a);
  token(b);
  token(c);
  EXPECT_EQ(entra.requests().size(), 2u);
}

TEST_F(TokenSourceTest, RefreshFetchesAgain) {
  const MountRequest request = workload_request();
  token(request);
  token(request, true);
  EXPECT_EQ(entra.requests().size(), 2u);
}

TEST_F(TokenSourceTest, ServicePrincipalKeyIncludesTheSecret) {
  MountRequest request;
  request.pod_name = "p";
  request.pod_namespace = "ns";
  request.mode = IdentityMode::ServicePrincipal;
  request.tenant_id = "tenant-1";
  request.sp_client_id = make_secret("sp-client");
  request.sp_client_secret = make_secret("right-secret");
  token(request);
  token(request);
  MountRequest wrong = request;
  wrong.sp_client_secret = make_secret("wrong-secret");
  token(wrong);  // a wrong secret must not ride on the right one's token
  const auto sent = entra.requests();
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(sent[0].body,
            "client_id=sp-client&client_secret=right-secret&grant_type=client_credentials&"
            "scope=https%3A%2F%2Fvault.azure.net%2F.default+openid+offline_access+profile");
  EXPECT_NE(sent[1].body.find("client_secret=wrong-secret"), std::string::npos);
}

TEST_F(TokenSourceTest, VmManagedIdentityAsksImdsForTheResource) {
  MountRequest request;
  request.mode = IdentityMode::VmManagedIdentity;
  request.user_assigned_identity_id = "uami-1";
  EXPECT_EQ(token(request), "imds-token");
  MountRequest system = request;
  system.user_assigned_identity_id = "";
  token(system);
  const auto sent = imds.requests();
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(sent[0].url,
            "http://169.254.169.254/metadata/identity/oauth2/token?api-version=2018-02-01&"
            "resource=https%3A%2F%2Fvault.azure.net&client_id=uami-1");
  EXPECT_EQ(sent[0].header("Metadata"), "true");
  EXPECT_EQ(sent[1].url.find("client_id"), std::string::npos);
}

TEST_F(TokenSourceTest, ConfiguredImdsEndpointIsUsed) {
  services.endpoints.imds = "http://127.0.0.1:9999";
  imds.on("GET http://127.0.0.1:9999/", {json_answer(200, R"({"access_token":"x"})")});
  MountRequest request;
  request.mode = IdentityMode::VmManagedIdentity;
  EXPECT_EQ(token(request), "x");
}

TEST_F(TokenSourceTest, PodIdentityAsksNmiForTheCloudResourceAndWarnsOnce) {
  MountRequest request;
  request.mode = IdentityMode::PodIdentity;
  request.pod_namespace = "ns1";
  request.pod_name = "pod-a";
  EXPECT_EQ(token(request), "nmi-token");
  MountRequest other = request;
  other.pod_name = "pod-b";
  token(other);
  const auto sent = nmi.requests();
  ASSERT_EQ(sent.size(), 2u);  // per pod: never shared between pods
  EXPECT_EQ(sent[0].url, "http://localhost:2579/host/token/?resource=https://vault.azure.net");
  EXPECT_EQ(sent[0].header("podns"), "ns1");
  EXPECT_EQ(sent[0].header("podname"), "pod-a");
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_NE(notes[0].find("deprecated"), std::string::npos);
}

TEST_F(TokenSourceTest, IdentityBindingWithoutAProxyIsAnError) {
  MountRequest request = workload_request();
  request.mode = IdentityMode::IdentityBinding;
  try {
    make_token_source(services, request, public_cloud());
    FAIL();
  } catch (const MountError& error) {
    EXPECT_EQ(std::string(error.what()).rfind("proxy transport not available: ", 0), 0u);
  }
}

TEST_F(TokenSourceTest, IdentityBindingGoesToTheProxyWithTheSni) {
  FakeTransport proxy;
  proxy.on("POST https://asni.ests.aks:443/tenant-1/oauth2/v2.0/token",
           {json_answer(200, kTokenAnswer)});
  TokenProxySni sni("asni.ests.aks", nullptr, "");
  services.token_proxy = &proxy;
  services.token_proxy_sni = &sni;
  MountRequest request = workload_request();
  request.mode = IdentityMode::IdentityBinding;
  EXPECT_EQ(token(request), "aad-token");
  const auto sent = proxy.requests();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].connect_to,
            std::vector<std::string>{"asni.ests.aks:443:kubernetes.default.svc.cluster.local:443"});
  EXPECT_EQ(sent[0].header("Host"), "kubernetes.default.svc.cluster.local");
  EXPECT_TRUE(entra.requests().empty());
}

TEST_F(TokenSourceTest, BadTenantFailsBeforeAnyRequest) {
  MountRequest request = workload_request();
  request.tenant_id = "../evil";
  EXPECT_THROW(make_token_source(services, request, public_cloud()), MountError);
  EXPECT_TRUE(entra.requests().empty());
}

TEST_F(TokenSourceTest, WithoutACacheEveryCallFetches) {
  services.cache = nullptr;
  const MountRequest request = workload_request();
  token(request);
  token(request);
  EXPECT_EQ(entra.requests().size(), 2u);
}

TEST_F(TokenSourceTest, FailuresCarryAClearMessage) {
  FakeTransport failing;
  failing.on("POST", {json_answer(400, R"({"error":"invalid_grant","error_description":)"
                                       R"("AADSTS700213: No matching federated identity )"
                                       R"(record found for presented assertion subject."})")});
  services.entra = &failing;
  try {
    token(workload_request());
    FAIL();
  } catch (const MountError& error) {
    EXPECT_EQ(error.code(), SSCSI_UNAUTHORIZED);
    EXPECT_STREQ(error.what(),
                 "workload identity token for client client-1 (service account ns1/sa-one) from "
                 "https://login.microsoftonline.com/tenant-1/oauth2/v2.0/token: HTTP 400: "
                 "invalid_grant: AADSTS700213: No matching federated identity record found for "
                 "presented assertion subject.");
  }
}

}  // namespace
}  // namespace sscsi::azure
