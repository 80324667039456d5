#include "identity/identity_binding.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "common/mount_error.h"
#include "http/http_client.h"
#include "identity/token_requests.h"
#include "test_https_server.h"

namespace sscsi::azure {
namespace {

// Reference §10.1 case 42.
TEST(IdentityBindingSni, HasUpstreamsShape) {
  const std::string sni = identity_binding_sni("abc123");
  EXPECT_EQ(sni, "avogudkohgdatdl5h3uisa3it85na3oqte6ir8heubtqsv4hgo1qg.ests.aks");
  EXPECT_EQ(sni.front(), 'a');
  EXPECT_EQ(sni.substr(sni.size() - 9), ".ests.aks");
  EXPECT_EQ(sni.find('.'), 53u);  // first label: 53 characters
  for (const char c : sni) EXPECT_FALSE(c >= 'A' && c <= 'Z');
  EXPECT_EQ(identity_binding_sni("abc123"), sni);  // deterministic
  EXPECT_EQ(identity_binding_sni("11111111-2222-3333-4444-555555555555"),
            "aul7c2idj3k2hfko6er15t3lkibnnj5v8iffugg2bav9bnoiqqgtg.ests.aks");
  EXPECT_NE(identity_binding_sni("abc124"), sni);
}

TEST(ClusterIdFromDnsNames, FindsTheHcpName) {
  EXPECT_EQ(cluster_id_from_dns_names(
                {"kubernetes", "hcp-kubernetes.65f1a2b3.svc.cluster.local", "x.example"}),
            "65f1a2b3");
  EXPECT_FALSE(cluster_id_from_dns_names({"kubernetes.default.svc.cluster.local"}).has_value());
  EXPECT_FALSE(cluster_id_from_dns_names({"hcp-kubernetes..svc.cluster.local"}).has_value());
  EXPECT_FALSE(cluster_id_from_dns_names({}).has_value());
}

TEST(TokenProxyUrl, MustBePlainHttps) {
  EXPECT_EQ(token_proxy_url_problem("https://kubernetes.default.svc.cluster.local"), "");
  EXPECT_EQ(token_proxy_url_problem("https://10.0.0.1:8443"), "");
  EXPECT_NE(token_proxy_url_problem("http://kubernetes.default.svc").find("must use https"),
            std::string::npos);
  EXPECT_NE(token_proxy_url_problem("https://h/?q=1").find("must not"), std::string::npos);
  EXPECT_NE(token_proxy_url_problem("https://h/#f").find("must not"), std::string::npos);
  EXPECT_NE(token_proxy_url_problem("https://u:p@h/").find("must not"), std::string::npos);
  EXPECT_NE(token_proxy_url_problem("not a url").find("is not a URL"), std::string::npos);
}

TEST(TokenProxyClientOptions, TrustsTheClusterCaOnlyWhenItExists) {
  TokenProxyConfig config;
  config.ca_file = "/nonexistent/ca.crt";
  HttpClientOptions base;
  base.ca_file = "/some/other.pem";
  const HttpClientOptions without = token_proxy_client_options(config, base);
  EXPECT_EQ(without.ca_file, "");
  EXPECT_TRUE(without.use_system_store);
  config.ca_file = "/etc/hostname";  // any existing regular file
  const HttpClientOptions with = token_proxy_client_options(config, base);
  EXPECT_EQ(with.ca_file, "/etc/hostname");
  EXPECT_FALSE(with.use_system_store);
}

TEST(RetargetToTokenProxy, KeepsThePathAndSetsSniHostAndRoute) {
  HttpRequest request = client_assertion_token_request(
      "https://login.microsoftonline.com/tenant-1/oauth2/v2.0/token", "c", "a", "s");
  retarget_to_token_proxy(request, "https://kubernetes.default.svc.cluster.local", "asni.ests.aks");
  EXPECT_EQ(request.url, "https://asni.ests.aks:443/tenant-1/oauth2/v2.0/token");
  ASSERT_EQ(request.connect_to.size(), 1u);
  EXPECT_EQ(request.connect_to[0], "asni.ests.aks:443:kubernetes.default.svc.cluster.local:443");
  EXPECT_EQ(request.headers.back(),
            (std::pair<std::string, std::string>{"Host", "kubernetes.default.svc.cluster.local"}));
}

TEST(RetargetToTokenProxy, ExplicitPortsAreKept) {
  HttpRequest request;
  request.url = "https://login/t/oauth2/v2.0/token";
  retarget_to_token_proxy(request, "https://10.0.0.1:8443", "asni.ests.aks");
  EXPECT_EQ(request.url, "https://asni.ests.aks:8443/t/oauth2/v2.0/token");
  EXPECT_EQ(request.connect_to[0], "asni.ests.aks:8443:10.0.0.1:8443");
  EXPECT_EQ(request.headers.back().second, "10.0.0.1:8443");
}

TEST(RetargetToTokenProxy, UnusableProxyIsReported) {
  HttpRequest request;
  request.url = "https://login/t/oauth2/v2.0/token";
  try {
    retarget_to_token_proxy(request, "http://plain", "asni.ests.aks");
    FAIL();
  } catch (const MountError& error) {
    EXPECT_EQ(std::string(error.what()).rfind("proxy transport not available: ", 0), 0u);
  }
  EXPECT_THROW(retarget_to_token_proxy(request, "https://proxy", ""), MountError);
  EXPECT_THROW(retarget_to_token_proxy(request, "https://proxy", "a b"), MountError);
}

TEST(TokenProxySni, ConfiguredNameWins) {
  TokenProxySni sni("configured.ests.aks", nullptr, "https://unused");
  EXPECT_EQ(sni.get(CallControl()), "configured.ests.aks");
}

TEST(TokenProxySni, WithoutAClientItCannotCompute) {
  TokenProxySni sni("", nullptr, "https://unused");
  try {
    sni.get(CallControl());
    FAIL();
  } catch (const MountError& error) {
    EXPECT_EQ(std::string(error.what()).rfind("proxy transport not available: compute SNI name", 0),
              0u);
  }
}

// End to end over real TLS: the SNI is computed from the "API server" certificate, and the
// token request reaches the "proxy" with that SNI, the proxy's Host and the token path.
TEST(TokenProxySni, ComputedFromTheApiServerCertificateAndUsedOnTheWire) {
  const std::string sni_name = identity_binding_sni("abc123");
  testing::TestPki pki({"kubernetes.default.svc.cluster.local",
                        "hcp-kubernetes.abc123.svc.cluster.local", sni_name});
  testing::TestHttpsServer server(pki.server_cert(), pki.server_key());
  HttpClientOptions options;
  options.ca_file = pki.ca_file().string();
  options.use_system_store = false;
  options.connect_to = {"kubernetes.default.svc.cluster.local:443:127.0.0.1:" +
                        std::to_string(server.port())};
  HttpClient client(options);

  TokenProxySni sni("", &client, "https://kubernetes.default.svc.cluster.local:443");
  EXPECT_EQ(sni.get(CallControl()), sni_name);

  // The "proxy" is the same server; its path /echo/... stands for /{tenant}/oauth2/v2.0/token.
  HttpRequest request = client_assertion_token_request(
      "https://login.microsoftonline.com/echo/tenant-1/oauth2/"
      "v2.0/token",
      "client-1", "eyJ.assert.ion", "https://vault.azure.net/.default");
  retarget_to_token_proxy(request, "https://127.0.0.1:" + std::to_string(server.port()),
                          sni.get(CallControl()));
  const HttpResponse response = client.send(request, CallControl());
  ASSERT_TRUE(response.ok()) << response.failure_text;
  const auto echo = nlohmann::json::parse(std::string(view(response.body)));
  EXPECT_EQ(echo["sni"], sni_name);
  EXPECT_EQ(echo["headers"]["host"], "127.0.0.1:" + std::to_string(server.port()));
  EXPECT_EQ(echo["path"], "/echo/tenant-1/oauth2/v2.0/token");
  EXPECT_NE(echo["body"].get<std::string>().find("client_info=1"), std::string::npos);
}

TEST(TokenProxySni, CertificateWithoutClusterIdIsReported) {
  testing::TestPki pki({"kubernetes.default.svc.cluster.local"});
  testing::TestHttpsServer server(pki.server_cert(), pki.server_key());
  HttpClientOptions options;
  options.ca_file = pki.ca_file().string();
  options.connect_to = {"::127.0.0.1:" + std::to_string(server.port())};
  HttpClient client(options);
  TokenProxySni sni("", &client, "https://kubernetes.default.svc.cluster.local:443");
  try {
    sni.get(CallControl());
    FAIL();
  } catch (const MountError& error) {
    EXPECT_NE(std::string(error.what()).find("cluster ID SAN not found"), std::string::npos);
  }
}

TEST(TokenProxySni, UntrustedApiServerIsReported) {
  testing::TestPki pki({"hcp-kubernetes.abc123.svc.cluster.local"});
  testing::TestHttpsServer server(pki.server_cert(), pki.server_key());
  HttpClientOptions options;
  options.ca_file = pki.other_ca_file().string();
  options.connect_to = {"::127.0.0.1:" + std::to_string(server.port())};
  HttpClient client(options);
  TokenProxySni sni("", &client, "https://kubernetes.default.svc.cluster.local:443");
  try {
    sni.get(CallControl());
    FAIL();
  } catch (const MountError& error) {
    EXPECT_NE(std::string(error.what()).find("extract cluster ID from API server certificate"),
              std::string::npos);
  }
}

}  // namespace
}  // namespace sscsi::azure
