// HttpClient against a real local HTTPS server (test_https_server.py) with a CA made at test
// time: TLS verification, CONNECT_TO, Retry-After, cancellation, size cap, connection reuse.
#include "http/http_client.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <fmt/format.h>

#include <atomic>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "http/retrying_transport.h"
#include "test_https_server.h"

namespace sscsi::azure {
namespace {

using std::chrono::milliseconds;
using testing::TestHttpsServer;
using testing::TestPki;

constexpr const char* kVaultHost = "myvault.vault.azure.net";

class HttpClientTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    pki_ = std::make_unique<TestPki>(std::vector<std::string>{kVaultHost, "localhost"});
    server_ = std::make_unique<TestHttpsServer>(pki_->server_cert(), pki_->server_key());
  }
  static void TearDownTestSuite() {
    server_.reset();
    pki_.reset();
  }

  static HttpClientOptions trusting_options() {
    HttpClientOptions options;
    options.ca_file = pki_->ca_file().string();
    return options;
  }
  static HttpRequest get(const std::string& path) {
    HttpRequest request;
    request.url = server_->base_url() + path;
    return request;
  }
  static nlohmann::json json_of(const HttpResponse& response) {
    return nlohmann::json::parse(std::string(view(response.body)));
  }

  static std::unique_ptr<TestPki> pki_;
  static std::unique_ptr<TestHttpsServer> server_;
};

std::unique_ptr<TestPki> HttpClientTest::pki_;
std::unique_ptr<TestHttpsServer> HttpClientTest::server_;

TEST_F(HttpClientTest, GetsWithTheTestCaAndCapturesLowerCasedHeaders) {
  HttpClient client(trusting_options());
  HttpRequest request = get("/echo/x");
  request.headers = {{"Metadata", "true"}};
  const HttpResponse response = client.send(request, CallControl());
  ASSERT_TRUE(response.ok()) << response.failure_text;
  EXPECT_EQ(response.status, 200);
  ASSERT_NE(response.header("content-type"), nullptr);
  EXPECT_EQ(*response.header("content-type"), "application/json");
  EXPECT_EQ(response.header("Content-Type"), nullptr);  // lookups use lower-case names
  const auto echo = json_of(response);
  EXPECT_EQ(echo["method"], "GET");
  EXPECT_EQ(echo["headers"]["metadata"], "true");
  EXPECT_EQ(echo["headers"]["user-agent"], "sscsi-provider-azure");
  EXPECT_FALSE(echo["headers"].contains("authorization"));
}

TEST_F(HttpClientTest, PostsTheBodyAndTheBearerToken) {
  HttpClient client(trusting_options());
  HttpRequest request = get("/echo/token");
  request.method = "POST";
  request.body = make_secret("grant_type=client_credentials&client_secret=abc");
  request.content_type = "application/x-www-form-urlencoded";
  request.bearer_token = make_secret("eyJ0b2tlbg");
  const HttpResponse response = client.send(request, CallControl());
  ASSERT_TRUE(response.ok()) << response.failure_text;
  const auto echo = json_of(response);
  EXPECT_EQ(echo["method"], "POST");
  EXPECT_EQ(echo["body"], "grant_type=client_credentials&client_secret=abc");
  EXPECT_EQ(echo["headers"]["content-type"], "application/x-www-form-urlencoded");
  EXPECT_EQ(echo["headers"]["authorization"], "Bearer eyJ0b2tlbg");
  EXPECT_FALSE(echo["headers"].contains("expect"));
}

// A redirect would carry the bearer token to wherever Location points: the answer is returned as
// it came, never followed (here Location points at this server's echo, which would answer 200).
TEST_F(HttpClientTest, RedirectsAreNotFollowed) {
  HttpClient client(trusting_options());
  for (const int status : {301, 302, 307, 308}) {
    HttpRequest request =
        get(fmt::format("/status/{}?location={}/echo/followed", status, server_->base_url()));
    request.bearer_token = make_secret("redirect-canary-token");
    const HttpResponse response = client.send(request, CallControl());
    EXPECT_TRUE(response.answered()) << response.failure_text;
    EXPECT_EQ(response.status, status);
    ASSERT_NE(response.header("location"), nullptr);
    EXPECT_EQ(json_of(response)["error"]["message"], fmt::format("status {}", status));
  }
}

TEST_F(HttpClientTest, WrongCaFailsVerificationPermanently) {
  HttpClientOptions options;
  options.ca_file = pki_->other_ca_file().string();
  HttpClient client(options);
  const HttpResponse response = client.send(get("/echo"), CallControl());
  EXPECT_EQ(response.failure, TransportFailure::Permanent);
  EXPECT_EQ(response.status, 0);
  EXPECT_NE(response.failure_text.find("certificate"), std::string::npos) << response.failure_text;
}

TEST_F(HttpClientTest, SystemStoreAloneDoesNotTrustTheTestCa) {
  HttpClient client(HttpClientOptions{});
  const HttpResponse response = client.send(get("/echo"), CallControl());
  EXPECT_EQ(response.failure, TransportFailure::Permanent) << response.failure_text;
  EXPECT_NE(response.failure_text.find("certificate"), std::string::npos) << response.failure_text;
}

TEST_F(HttpClientTest, CaFileAloneIsTrustedWithoutTheSystemStore) {
  HttpClientOptions options = trusting_options();
  options.use_system_store = false;
  HttpClient client(options);
  const HttpResponse response = client.send(get("/echo"), CallControl());
  EXPECT_TRUE(response.ok()) << response.failure_text;
}

TEST_F(HttpClientTest, EveryNewConnectionVerifiesAgainstTheSameStore) {
  // Concurrent requests open one connection each; each must be verified, with the right CA
  // accepted and the wrong one refused, however many connections share the client's store.
  for (const bool right_ca : {true, false}) {
    HttpClientOptions options;
    options.ca_file = (right_ca ? pki_->ca_file() : pki_->other_ca_file()).string();
    HttpClient client(options);
    std::vector<std::thread> threads;
    std::atomic<int> ok{0};
    std::atomic<int> refused{0};
    for (int i = 0; i < 4; ++i) {
      threads.emplace_back([&] {
        const HttpResponse response = client.send(get("/slow?ms=100"), CallControl());
        if (response.ok()) ++ok;
        if (response.failure == TransportFailure::Permanent) ++refused;
      });
    }
    for (auto& thread : threads) thread.join();
    EXPECT_EQ(ok.load(), right_ca ? 4 : 0);
    EXPECT_EQ(refused.load(), right_ca ? 0 : 4);
  }
}

TEST_F(HttpClientTest, AMissingSystemBundleIsNamedWhenVerificationFails) {
  HttpClientOptions options;
  options.system_ca_bundle = "/nonexistent/ca-certificates.crt";
  HttpClient client(options);
  const HttpResponse response = client.send(get("/echo"), CallControl());
  EXPECT_EQ(response.failure, TransportFailure::Permanent);
  EXPECT_NE(response.failure_text.find("/nonexistent/ca-certificates.crt"), std::string::npos)
      << response.failure_text;
}

TEST_F(HttpClientTest, ServerCertificateNamesAreReadOverAVerifiedConnection) {
  HttpClient client(trusting_options());
  const std::vector<std::string> names =
      client.server_certificate_dns_names(server_->base_url() + "/", CallControl());
  EXPECT_EQ(names, (std::vector<std::string>{kVaultHost, "localhost"}));
}

TEST_F(HttpClientTest, ServerCertificateNamesNeedATrustedCertificate) {
  HttpClientOptions options;
  options.ca_file = pki_->other_ca_file().string();
  HttpClient client(options);
  EXPECT_THROW(client.server_certificate_dns_names(server_->base_url() + "/", CallControl()),
               std::runtime_error);
  HttpClient system_only(HttpClientOptions{});
  EXPECT_THROW(system_only.server_certificate_dns_names(server_->base_url() + "/", CallControl()),
               std::runtime_error);
}

TEST_F(HttpClientTest, ServerCertificateNamesCheckTheHostName) {
  HttpClientOptions options = trusting_options();
  options.connect_to = {"::127.0.0.1:" + std::to_string(server_->port())};
  HttpClient client(options);
  EXPECT_THROW(
      client.server_certificate_dns_names("https://othervault.vault.azure.net/", CallControl()),
      std::runtime_error);
  EXPECT_EQ(
      client.server_certificate_dns_names(std::string("https://") + kVaultHost + "/", CallControl())
          .front(),
      kVaultHost);
}

TEST_F(HttpClientTest, HostNameIsVerifiedToo) {
  // The certificate names myvault.vault.azure.net, not othervault: the CA is right, the name
  // is not.
  HttpClientOptions options = trusting_options();
  options.connect_to = {"::127.0.0.1:" + std::to_string(server_->port())};
  HttpClient client(options);
  HttpRequest request;
  request.url = "https://othervault.vault.azure.net/echo";
  const HttpResponse response = client.send(request, CallControl());
  EXPECT_EQ(response.failure, TransportFailure::Permanent) << response.failure_text;
}

TEST_F(HttpClientTest, ConnectToRoutesARealHostNameToTheServer) {
  HttpClientOptions options = trusting_options();
  options.connect_to = {std::string(kVaultHost) +
                        ":443:127.0.0.1:" + std::to_string(server_->port())};
  HttpClient client(options);
  HttpRequest request;
  request.url = std::string("https://") + kVaultHost + "/echo/secrets/s1/?api-version=7.4";
  const HttpResponse response = client.send(request, CallControl());
  ASSERT_TRUE(response.ok()) << response.failure_text;
  const auto echo = json_of(response);
  EXPECT_EQ(echo["headers"]["host"], kVaultHost);
  EXPECT_EQ(echo["path"], "/echo/secrets/s1/?api-version=7.4");
}

TEST_F(HttpClientTest, EmptyHostInConnectToMatchesAnyHost) {
  HttpClientOptions options = trusting_options();
  options.connect_to = {"::127.0.0.1:" + std::to_string(server_->port())};
  HttpClient client(options);
  HttpRequest request;
  request.url = std::string("https://") + kVaultHost + "/echo";
  EXPECT_TRUE(client.send(request, CallControl()).ok());
}

TEST_F(HttpClientTest, RequestConnectToComesBeforeTheClientsList) {
  HttpClientOptions options = trusting_options();
  options.connect_to = {"::127.0.0.1:1"};  // nothing listens on port 1
  HttpClient client(options);
  HttpRequest request;
  request.url = std::string("https://") + kVaultHost + "/echo";
  request.connect_to = {std::string(kVaultHost) +
                        ":443:127.0.0.1:" + std::to_string(server_->port())};
  EXPECT_TRUE(client.send(request, CallControl()).ok());
}

TEST_F(HttpClientTest, MalformedConnectToIsRefusedAtConstruction) {
  HttpClientOptions options = trusting_options();
  options.connect_to = {"not-a-connect-to"};
  EXPECT_THROW(HttpClient{options}, std::invalid_argument);
}

TEST_F(HttpClientTest, PlainHttpOnlyWhenTheRequestAllowsIt) {
  TestHttpsServer plain;
  HttpClient client(trusting_options());
  HttpRequest request;
  request.url = plain.base_url() + "/echo";
  const HttpResponse refused = client.send(request, CallControl());
  EXPECT_EQ(refused.failure, TransportFailure::Permanent);
  EXPECT_NE(refused.failure_text.find("only https://"), std::string::npos);
  request.allow_plain_http = true;
  EXPECT_TRUE(client.send(request, CallControl()).ok());
}

TEST_F(HttpClientTest, AnswersAboveTheCapAreCutOff) {
  HttpClientOptions options = trusting_options();
  options.max_response_bytes = 1000;
  HttpClient client(options);
  EXPECT_TRUE(client.send(get("/big?bytes=1000"), CallControl()).ok());
  const HttpResponse response = client.send(get("/big?bytes=1001"), CallControl());
  EXPECT_EQ(response.failure, TransportFailure::TooLarge);
  EXPECT_NE(response.failure_text.find("1000 bytes"), std::string::npos);
}

TEST_F(HttpClientTest, CancellationStopsASlowTransfer) {
  HttpClient client(trusting_options());
  std::atomic<bool> cancelled{false};
  const CallControl control(CallControl::Clock::time_point::max(),
                            [&] { return cancelled.load(); });
  std::thread canceller([&] {
    std::this_thread::sleep_for(milliseconds(300));
    cancelled = true;
  });
  const auto start = std::chrono::steady_clock::now();
  const HttpResponse response = client.send(get("/slow?ms=8000"), control);
  const auto took = std::chrono::steady_clock::now() - start;
  canceller.join();
  EXPECT_EQ(response.failure, TransportFailure::Cancelled) << response.failure_text;
  EXPECT_LT(took, milliseconds(2500));  // libcurl polls the callback at least once a second
}

TEST_F(HttpClientTest, TheCallDeadlineBoundsTheTransfer) {
  HttpClient client(trusting_options());
  const CallControl control(CallControl::Clock::now() + milliseconds(400), {});
  const auto start = std::chrono::steady_clock::now();
  const HttpResponse response = client.send(get("/slow?ms=8000"), control);
  EXPECT_EQ(response.failure, TransportFailure::Cancelled) << response.failure_text;
  EXPECT_LT(std::chrono::steady_clock::now() - start, milliseconds(2000));
}

TEST_F(HttpClientTest, ThePerAttemptTimeoutIsATransientFailure) {
  HttpClient client(trusting_options());
  HttpRequest request = get("/slow?ms=8000");
  request.timeout = milliseconds(300);
  const HttpResponse response = client.send(request, CallControl());
  EXPECT_EQ(response.failure, TransportFailure::Transient) << response.failure_text;
}

TEST_F(HttpClientTest, RefusedConnectionIsTransient) {
  HttpClient client(trusting_options());
  HttpRequest request;
  request.url = "https://127.0.0.1:1/echo";
  EXPECT_EQ(client.send(request, CallControl()).failure, TransportFailure::Transient);
}

TEST_F(HttpClientTest, OneConnectionServesSuccessiveRequests) {
  HttpClient client(trusting_options());
  std::set<int> connections;
  for (int i = 0; i < 5; ++i) {
    const HttpResponse response = client.send(get("/echo/reuse"), CallControl());
    ASSERT_TRUE(response.ok()) << response.failure_text;
    connections.insert(json_of(response)["connection"].get<int>());
  }
  EXPECT_EQ(connections.size(), 1u);
}

TEST_F(HttpClientTest, ConnectionsSurviveConcurrentUseAndAreReusedAfterwards) {
  HttpClient client(trusting_options());
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&] {
      if (client.send(get("/slow?ms=200"), CallControl()).ok()) ++ok;
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(ok.load(), 4);
  // Four handles now hold four open connections; the next requests use them, not new ones.
  std::set<int> connections;
  for (int i = 0; i < 8; ++i) {
    connections.insert(json_of(client.send(get("/echo"), CallControl()))["connection"].get<int>());
  }
  EXPECT_EQ(connections.size(), 1u);
}

TEST_F(HttpClientTest, RetryAfterIsHonouredOverRealHttps) {
  HttpClient client(trusting_options());
  RetryingTransport retrying(client, RetryOptions{}, RetryStatusSet::KeyVault);
  const auto start = std::chrono::steady_clock::now();
  const HttpResponse response =
      retrying.send(get("/flaky/honour?fail=1&status=429&retry_after=1"), CallControl());
  const auto took = std::chrono::steady_clock::now() - start;
  ASSERT_TRUE(response.ok()) << response.failure_text;
  EXPECT_EQ(response.attempts, 2);
  EXPECT_GE(took, milliseconds(1000));
  EXPECT_LT(took, milliseconds(4000));
}

TEST_F(HttpClientTest, RetryAfterBeyondTheCapIsReportedNotWaited) {
  HttpClient client(trusting_options());
  RetryingTransport retrying(client, RetryOptions{}, RetryStatusSet::KeyVault);
  const auto start = std::chrono::steady_clock::now();
  const HttpResponse response = retrying.send(get("/status/503?retry_after=300"), CallControl());
  EXPECT_LT(std::chrono::steady_clock::now() - start, milliseconds(2000));
  EXPECT_EQ(response.status, 503);
  EXPECT_EQ(response.attempts, 1);
  EXPECT_EQ(response.retry_after, milliseconds(300000));
}

TEST_F(HttpClientTest, MillisecondRetryHeadersAreHonoured) {
  HttpClient client(trusting_options());
  const HttpResponse response =
      client.send(get("/status/429?x_ms_retry_after_ms=1500&retry_after=9"), CallControl());
  ASSERT_TRUE(response.answered());
  EXPECT_EQ(server_retry_after(response, std::chrono::system_clock::now()), milliseconds(1500));
}

TEST_F(HttpClientTest, ProxyFromTheEnvironmentIsUsed) {
  // A proxy that does not exist: the request fails at the proxy instead of reaching the
  // server, which shows libcurl took https_proxy from the environment.
  HttpClientOptions options = trusting_options();
  options.connect_to = {std::string(kVaultHost) +
                        ":443:127.0.0.1:" + std::to_string(server_->port())};
  HttpClient client(options);
  HttpRequest request;
  request.url = std::string("https://") + kVaultHost + "/echo";
  ::setenv("https_proxy", "http://127.0.0.1:1", 1);
  const HttpResponse response = client.send(request, CallControl());
  ::unsetenv("https_proxy");
  EXPECT_FALSE(response.answered());
  EXPECT_TRUE(client.send(request, CallControl()).ok());
}

TEST_F(HttpClientTest, LoopbackNeverGoesThroughTheProxy) {
  // NMI listens on localhost; Go's proxy rules (and so upstream's) never proxy loopback.
  ::setenv("https_proxy", "http://127.0.0.1:1", 1);
  ::setenv("no_proxy", "example.com", 1);
  HttpClient client(trusting_options());
  HttpRequest request;
  request.url = "https://localhost:" + std::to_string(server_->port()) + "/echo";
  const HttpResponse response = client.send(request, CallControl());
  ::unsetenv("https_proxy");
  ::unsetenv("no_proxy");
  EXPECT_TRUE(response.ok()) << response.failure_text;
}

}  // namespace
}  // namespace sscsi::azure
