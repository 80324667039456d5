// KeyVaultClient against scripted transports: the challenge handshake, errors, paging and the
// metric hook.
#include "keyvault/keyvault_client.h"

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <thread>

#include "common/mount_error.h"
#include "fake_transport.h"

namespace sscsi::azure {
namespace {

using testing::FakeTransport;
using testing::json_answer;

constexpr const char* kVault = "https://myvault.vault.azure.net/";
constexpr const char* kChallenge =
    "Bearer authorization=\"https://login.microsoftonline.com/tenant-1\", "
    "resource=\"https://vault.azure.net\"";

// Answers like Key Vault: 401 with a challenge without a token, the object with one.
HttpResponse vault_answer(const HttpRequest& request, const std::string& body,
                          const char* challenge = kChallenge) {
  if (request.bearer_token.empty()) {
    return json_answer(401,
                       R"({"error":{"code":"Unauthorized","message":"AKV10000: Request is )"
                       R"(missing a Bearer or PoP token."}})",
                       {{"www-authenticate", challenge}});
  }
  return json_answer(200, body);
}

constexpr const char* kSecret =
    R"({"value":"s3cr3t","id":"https://myvault.vault.azure.net/secrets/db/v1"})";

class KeyVaultClientTest : public ::testing::Test {
 protected:
  KeyVaultClient client(int max_pages = 100) {
    return KeyVaultClient(
        kVault, http,
        [this](const std::string& scope, bool refresh, const CallControl&) {
          std::lock_guard guard(mutex);
          token_calls.push_back(scope + (refresh ? " refresh" : ""));
          return make_secret("token-" + std::to_string(token_calls.size()));
        },
        challenges,
        [this](const KeyVaultRequestMetric& metric) {
          std::lock_guard guard(mutex);
          metrics.push_back(std::string(metric.name) + "|" + std::string(metric.error));
        },
        max_pages);
  }

  FakeTransport http;
  ChallengeCache challenges;
  std::mutex mutex;
  std::vector<std::string> token_calls;
  std::vector<std::string> metrics;
};

TEST_F(KeyVaultClientTest, FirstRequestLearnsTheChallengeThenUsesTheToken) {
  http.on("GET https://myvault.vault.azure.net/secrets/db/",
          [](const HttpRequest& r) { return vault_answer(r, kSecret); });
  KeyVaultClient kv = client();
  const SecretBundle secret = kv.get_secret("db", "", CallControl());
  EXPECT_EQ(view(secret.value), "s3cr3t");
  EXPECT_EQ(secret.version, "v1");
  auto sent = http.requests();
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(sent[0].url, "https://myvault.vault.azure.net/secrets/db/?api-version=7.4");
  EXPECT_EQ(sent[0].bearer_token, "");
  EXPECT_EQ(sent[0].header("Accept"), "application/json");
  EXPECT_EQ(sent[1].bearer_token, "token-1");
  EXPECT_EQ(token_calls, std::vector<std::string>{"https://vault.azure.net/.default"});
  EXPECT_EQ(challenges.find(kVault), "https://vault.azure.net/.default");

  // A later mount (another client for the same vault) goes straight in with a token.
  KeyVaultClient later = client();
  later.get_secret("db", "v1", CallControl());
  sent = http.requests();
  ASSERT_EQ(sent.size(), 3u);
  EXPECT_EQ(sent[2].url, "https://myvault.vault.azure.net/secrets/db/v1?api-version=7.4");
  EXPECT_FALSE(sent[2].bearer_token.empty());
}

TEST_F(KeyVaultClientTest, ConcurrentFirstRequestsShareOneChallengeRoundTrip) {
  http.on("GET https://myvault.vault.azure.net/secrets/", [](const HttpRequest& r) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    return vault_answer(r, kSecret);
  });
  KeyVaultClient kv = client();
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&, i] {
      if (view(kv.get_secret("s" + std::to_string(i), "", CallControl()).value) == "s3cr3t") ++ok;
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(ok.load(), 8);
  std::size_t unauthenticated = 0;
  for (const auto& request : http.requests()) {
    if (request.bearer_token.empty()) ++unauthenticated;
  }
  EXPECT_EQ(unauthenticated, 1u);
  EXPECT_EQ(http.requests().size(), 9u);
}

TEST_F(KeyVaultClientTest, ForeignChallengeResourceIsRefusedBeforeAnyToken) {
  http.on("GET", [](const HttpRequest& r) {
    return vault_answer(r, kSecret,
                        "Bearer authorization=\"https://login/t\", "
                        "resource=\"https://evil.example.com\"");
  });
  KeyVaultClient kv = client();
  try {
    kv.get_secret("db", "", CallControl());
    FAIL();
  } catch (const MountError& error) {
    EXPECT_EQ(error.code(), SSCSI_UNAUTHORIZED);
    EXPECT_EQ(std::string(error.what())
                  .rfind("challenge resource \"evil.example.com\" doesn't match the requested "
                         "domain",
                         0),
              0u);
  }
  EXPECT_TRUE(token_calls.empty());
  EXPECT_EQ(http.requests().size(), 1u);
  EXPECT_FALSE(challenges.find(kVault).has_value());
  ASSERT_EQ(metrics.size(), 1u);
  EXPECT_EQ(metrics[0].rfind("db|challenge resource", 0), 0u);
}

TEST_F(KeyVaultClientTest, UnauthorizedWithoutAChallengeHeader) {
  http.on("GET", {json_answer(401, "{}")});
  KeyVaultClient kv = client();
  try {
    kv.get_secret("db", "", CallControl());
    FAIL();
  } catch (const MountError& error) {
    EXPECT_EQ(error.code(), SSCSI_UNAUTHORIZED);
    EXPECT_NE(std::string(error.what())
                  .find("response has no WWW-Authenticate header for "
                        "challenge authentication"),
              std::string::npos);
  }
}

TEST_F(KeyVaultClientTest, ChallengeWithoutResource) {
  http.on("GET", {json_answer(401, "{}", {{"www-authenticate", "Bearer authorization=\"x\""}})});
  KeyVaultClient kv = client();
  try {
    kv.get_secret("db", "", CallControl());
    FAIL();
  } catch (const MountError& error) {
    EXPECT_NE(std::string(error.what())
                  .find("could not find a valid resource in the "
                        "WWW-Authenticate header"),
              std::string::npos);
  }
}

TEST_F(KeyVaultClientTest, ARefusedTokenIsRefreshedOnce) {
  challenges.remember(kVault, "https://vault.azure.net/.default");
  http.on("GET",
          {json_answer(401, "{}", {{"www-authenticate", kChallenge}}), json_answer(200, kSecret)});
  KeyVaultClient kv = client();
  EXPECT_EQ(view(kv.get_secret("db", "", CallControl()).value), "s3cr3t");
  EXPECT_EQ(token_calls, (std::vector<std::string>{"https://vault.azure.net/.default",
                                                   "https://vault.azure.net/.default refresh"}));
}

TEST_F(KeyVaultClientTest, AChangedScopeIsRelearned) {
  challenges.remember(kVault, "https://old.vault.azure.net/.default");
  http.on("GET",
          {json_answer(401, "{}", {{"www-authenticate", kChallenge}}), json_answer(200, kSecret)});
  KeyVaultClient kv = client();
  kv.get_secret("db", "", CallControl());
  EXPECT_EQ(challenges.find(kVault), "https://vault.azure.net/.default");
  EXPECT_EQ(token_calls.back(), "https://vault.azure.net/.default refresh");
}

TEST_F(KeyVaultClientTest, PersistentRefusalIsUnauthorized) {
  challenges.remember(kVault, "https://vault.azure.net/.default");
  http.on("GET", {json_answer(403, R"({"error":{"code":"Forbidden","message":"no get"}})")});
  KeyVaultClient kv = client();
  try {
    kv.get_key("k1", "", CallControl());
    FAIL();
  } catch (const MountError& error) {
    EXPECT_EQ(error.code(), SSCSI_UNAUTHORIZED);
    EXPECT_STREQ(error.what(),
                 "access to key k1 (latest version) in vault myvault.vault.azure.net was refused "
                 "(HTTP 403): Forbidden: no get");
  }
}

TEST_F(KeyVaultClientTest, MissingObjectIsNotFound) {
  challenges.remember(kVault, "https://vault.azure.net/.default");
  http.on("GET", {json_answer(404, R"({"error":{"code":"CertificateNotFound","message":)"
                                   R"("Certificate not found: c9"}})")});
  KeyVaultClient kv = client();
  try {
    kv.get_certificate("c9", "abc", CallControl());
    FAIL();
  } catch (const MountError& error) {
    EXPECT_EQ(error.code(), SSCSI_NOT_FOUND);
    EXPECT_STREQ(error.what(),
                 "certificate c9 (version abc) not found in vault myvault.vault.azure.net: "
                 "CertificateNotFound: Certificate not found: c9");
  }
  ASSERT_EQ(metrics.size(), 1u);
  EXPECT_EQ(metrics[0], std::string("c9|") +
                            "certificate c9 (version abc) not found in vault "
                            "myvault.vault.azure.net: CertificateNotFound: Certificate not found: "
                            "c9");
}

TEST_F(KeyVaultClientTest, KeysAndCertificatesParse) {
  challenges.remember(kVault, "https://vault.azure.net/.default");
  http.on("GET https://myvault.vault.azure.net/keys/",
          {json_answer(200, R"({"key":{"kid":"https://myvault.vault.azure.net/keys/k/kv1",)"
                            R"("kty":"EC","crv":"P-256","x":"AA","y":"AQ"}})")});
  http.on("GET https://myvault.vault.azure.net/certificates/",
          {json_answer(200, R"({"id":"https://myvault.vault.azure.net/certificates/c/cv1",)"
                            R"("cer":"dGVzdA=="})")});
  KeyVaultClient kv = client();
  const KeyBundle key = kv.get_key("k", "", CallControl());
  EXPECT_EQ(key.version, "kv1");
  EXPECT_EQ(key.key.crv, "P-256");
  const CertificateBundle cert = kv.get_certificate("c", "", CallControl());
  EXPECT_EQ(cert.version, "cv1");
  EXPECT_EQ(cert.cer, "dGVzdA==");
  EXPECT_EQ(metrics, (std::vector<std::string>{"k|", "c|"}));
}

TEST_F(KeyVaultClientTest, ThrottlingIsReportedWithTheServersWait) {
  challenges.remember(kVault, "https://vault.azure.net/.default");
  HttpResponse throttled = json_answer(429, R"({"error":{"code":"Throttled","message":"slow"}})");
  throttled.retry_after = std::chrono::milliseconds(120000);
  http.on("GET", {throttled});
  KeyVaultClient kv = client();
  try {
    kv.get_secret("db", "", CallControl());
    FAIL();
  } catch (const MountError& error) {
    EXPECT_EQ(error.code(), SSCSI_THROTTLED);
    EXPECT_EQ(error.retry_after_ms(), 120000u);
  }
}

TEST_F(KeyVaultClientTest, ListVersionsFollowsNextLinkOnTheVault) {
  challenges.remember(kVault, "https://vault.azure.net/.default");
  http.on("GET https://myvault.vault.azure.net/secrets/db/versions?api-version=7.4&$skiptoken=p2",
          {json_answer(200, R"({"value":[{"id":"https://myvault.vault.azure.net/secrets/db/c",)"
                            R"("attributes":{"enabled":true,"created":3}}],"nextLink":null})")});
  http.on("GET https://myvault.vault.azure.net/secrets/db/versions?api-version=7.4",
          {json_answer(200, R"({"value":[{"id":"https://myvault.vault.azure.net/secrets/db/a",)"
                            R"("attributes":{"enabled":true,"created":1}},)"
                            R"({"id":"https://myvault.vault.azure.net/secrets/db/b",)"
                            R"("attributes":{"enabled":false,"created":2}}],)"
                            R"("nextLink":"https://myvault.vault.azure.net/secrets/db/versions?)"
                            R"(api-version=7.4&$skiptoken=p2"})")});
  KeyVaultClient kv = client();
  const auto versions = kv.list_versions(ObjectType::Secret, "db", CallControl());
  ASSERT_EQ(versions.size(), 3u);
  EXPECT_EQ(versions[0].version, "a");
  EXPECT_FALSE(versions[1].enabled);
  EXPECT_EQ(versions[2].version, "c");
  EXPECT_EQ(http.requests().size(), 2u);
  for (const auto& request : http.requests()) EXPECT_FALSE(request.bearer_token.empty());
  EXPECT_EQ(metrics, std::vector<std::string>{"db|"});
}

TEST_F(KeyVaultClientTest, NextLinkToAnotherHostIsRefused) {
  challenges.remember(kVault, "https://vault.azure.net/.default");
  http.on("GET https://myvault", {json_answer(200, R"({"value":[],"nextLink":)"
                                                   R"("https://collector.example.com/steal"})")});
  KeyVaultClient kv = client();
  try {
    kv.list_versions(ObjectType::Key, "k", CallControl());
    FAIL();
  } catch (const MountError& error) {
    EXPECT_EQ(error.code(), SSCSI_UNAVAILABLE);
    EXPECT_NE(std::string(error.what()).find("the bearer token is not sent there"),
              std::string::npos);
  }
  EXPECT_EQ(http.count("collector.example.com"), 0u);
}

TEST_F(KeyVaultClientTest, PagingStopsAtTheCap) {
  challenges.remember(kVault, "https://vault.azure.net/.default");
  http.on("GET https://myvault", {json_answer(200, R"({"value":[],"nextLink":)"
                                                   R"("https://myvault.vault.azure.net/loop"})")});
  KeyVaultClient kv = client(3);
  try {
    kv.list_versions(ObjectType::Cert, "c", CallControl());
    FAIL();
  } catch (const MountError& error) {
    EXPECT_NE(std::string(error.what()).find("more than 3 pages"), std::string::npos);
  }
  EXPECT_EQ(http.requests().size(), 3u);
  EXPECT_EQ(http.requests()[1].url, "https://myvault.vault.azure.net/loop?api-version=7.4");
}

TEST_F(KeyVaultClientTest, NamesArePercentEncoded) {
  challenges.remember(kVault, "https://vault.azure.net/.default");
  http.on("GET", {json_answer(404, "{}")});
  KeyVaultClient kv = client();
  EXPECT_THROW(kv.get_secret("../keys/x", "", CallControl()), MountError);
  EXPECT_EQ(http.requests()[0].url,
            "https://myvault.vault.azure.net/secrets/..%2Fkeys%2Fx/?api-version=7.4");
}

TEST_F(KeyVaultClientTest, EmptyNamesAndPlainHttpVaultsAreRefused) {
  KeyVaultClient kv = client();
  EXPECT_THROW(kv.get_secret("", "", CallControl()), MountError);
  EXPECT_TRUE(http.requests().empty());
  EXPECT_THROW(KeyVaultClient("http://myvault.vault.azure.net/", http, {}, challenges), MountError);
}

TEST_F(KeyVaultClientTest, TokenFailuresPropagate) {
  challenges.remember(kVault, "https://vault.azure.net/.default");
  KeyVaultClient kv(
      kVault, http,
      [](const std::string&, bool, const CallControl&) -> SecretString {
        throw MountError(SSCSI_UNAUTHORIZED, "AADSTS700213: no federated credential");
      },
      challenges);
  try {
    kv.get_secret("db", "", CallControl());
    FAIL();
  } catch (const MountError& error) {
    EXPECT_EQ(error.code(), SSCSI_UNAUTHORIZED);
  }
  EXPECT_TRUE(http.requests().empty());
}

TEST_F(KeyVaultClientTest, StoppedWhileWaitingForAnotherLearner) {
  http.hold();
  KeyVaultClient kv = client();
  std::thread learner([&] { EXPECT_THROW(kv.get_secret("db", "", CallControl()), MountError); });
  while (http.requests().empty()) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  const CallControl soon(CallControl::Clock::now() + std::chrono::milliseconds(100), {});
  try {
    kv.get_secret("other", "", soon);
    ADD_FAILURE();
  } catch (const MountError& error) {
    EXPECT_EQ(error.code(), SSCSI_DEADLINE_EXCEEDED);
  }
  http.release();
  learner.join();  // the fake has no rule: 404 without a challenge
}

}  // namespace
}  // namespace sscsi::azure
