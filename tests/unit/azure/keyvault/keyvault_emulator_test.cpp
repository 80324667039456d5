// The HTTP client, retries, token sources, token cache and Key Vault client together against
// the Azure emulator (tests/fixtures/azure_emulator) over real HTTPS with real host names
// routed by CONNECT_TO: every identity mode, the challenge handshake, throttling, faults and
// paging.
#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <mutex>
#include <thread>

#include "azure_emulator.h"
#include "common/mount_error.h"
#include "http/http_client.h"
#include "http/retrying_transport.h"
#include "identity/challenge_cache.h"
#include "identity/token_cache.h"
#include "identity/token_source.h"
#include "keyvault/keyvault_client.h"
#include "keyvault/version_selection.h"
#include "unsigned_jwt.h"

namespace sscsi::azure {
namespace {

using sscsi::testing_support::AzureEmulator;
using sscsi::testing_support::FaultSpec;
using sscsi::testing_support::JwtClaims;
using sscsi::testing_support::unsigned_jwt;
using std::chrono::milliseconds;

CloudEnvironment public_cloud() {
  return CloudEnvironment{"AzurePublicCloud", "https://login.microsoftonline.com/",
                          "https://vault.azure.net/", "vault.azure.net"};
}

class KeyVaultEmulatorTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { azure_ = std::make_unique<AzureEmulator>(); }
  static void TearDownTestSuite() { azure_.reset(); }

  void SetUp() override {
    azure_->reset();
    HttpClientOptions options;
    options.ca_file = azure_->ca_file().string();
    options.connect_to = azure_->connect_to();
    client_ = std::make_unique<HttpClient>(options);
    RetryOptions fast;
    fast.base_delay = milliseconds(50);
    kv_http_ = std::make_unique<RetryingTransport>(*client_, fast, RetryStatusSet::KeyVault);
    RetryOptions imds_fast = imds_retry_defaults();
    imds_fast.base_delay = milliseconds(50);
    imds_http_ = std::make_unique<RetryingTransport>(*client_, imds_fast, RetryStatusSet::Imds);
    services_.entra = kv_http_.get();
    services_.imds = imds_http_.get();
    services_.nmi = client_.get();
    services_.cache = &tokens_;
    services_.endpoints.imds = azure_->imds_endpoint();
    services_.endpoints.nmi = azure_->nmi_endpoint();
    tenant_ = azure_->default_tenant();
  }

  KeyVaultClient vault(const MountRequest& request, const std::string& name = "kv1") {
    return KeyVaultClient(AzureEmulator::vault_url(name), *kv_http_,
                          make_token_source(services_, request, public_cloud()), challenges_,
                          [this](const KeyVaultRequestMetric& metric) {
                            std::lock_guard guard(metric_mutex_);
                            metric_errors_.emplace_back(metric.error);
                          });
  }

  MountRequest service_principal(const std::string& secret = "app-secret") {
    MountRequest request;
    request.pod_name = "pod-a";
    request.pod_namespace = "ns1";
    request.mode = IdentityMode::ServicePrincipal;
    request.tenant_id = tenant_;
    request.sp_client_id = make_secret("app-id");
    request.sp_client_secret = make_secret(secret);
    return request;
  }

  MountRequest workload_identity(const std::string& pod) {
    MountRequest request;
    request.pod_name = pod;
    request.pod_namespace = "ns1";
    request.service_account_name = "sa1";
    request.mode = IdentityMode::WorkloadIdentity;
    request.tenant_id = tenant_;
    request.client_id = "wi-app";
    JwtClaims claims{AzureEmulator::kWorkloadAudience, "system:serviceaccount:ns1:sa1"};
    claims.extra = {{"kubernetes.io", {{"pod", {{"name", pod}}}}}};  // one token per pod
    request.assertion_token = make_secret(unsigned_jwt(claims));
    return request;
  }

  // The emulator counts a request after it has written the answer, so a count read right
  // after a reply may lag by that request: read until two reads 50 ms apart agree.
  static sscsi::testing_support::RequestCount settled(const std::string& kind) {
    auto last = azure_->count(kind);
    for (int i = 0; i < 40; ++i) {
      std::this_thread::sleep_for(milliseconds(50));
      const auto now = azure_->count(kind);
      if (now.total == last.total) return now;
      last = now;
    }
    return last;
  }

  static std::unique_ptr<AzureEmulator> azure_;
  std::unique_ptr<HttpClient> client_;
  std::unique_ptr<RetryingTransport> kv_http_;
  std::unique_ptr<RetryingTransport> imds_http_;
  TokenCache tokens_;
  ChallengeCache challenges_;
  IdentityServices services_;
  std::string tenant_;
  std::mutex metric_mutex_;  // the hook runs on the mounts' threads
  std::vector<std::string> metric_errors_;
};

std::unique_ptr<AzureEmulator> KeyVaultEmulatorTest::azure_;

TEST_F(KeyVaultEmulatorTest, ServicePrincipalReadsSecretsKeysAndCertificates) {
  azure_->register_service_principal("app-id", "app-secret", {"kv1"});
  const std::string secret_version = azure_->create_secret("kv1", "db-password", "s3cret");
  const auto key = azure_->create_key("kv1", "signing", "EC", {{"crv", "P-384"}});
  const auto cert = azure_->create_certificate("kv1", "tls");

  KeyVaultClient kv = vault(service_principal());
  const SecretBundle secret = kv.get_secret("db-password", "", CallControl());
  EXPECT_EQ(view(secret.value), "s3cret");
  EXPECT_EQ(secret.version, secret_version);
  const KeyBundle key_bundle = kv.get_key("signing", "", CallControl());
  EXPECT_EQ(key_bundle.version, key.version);
  EXPECT_EQ(key_bundle.key.kty, "EC");
  EXPECT_EQ(key_bundle.key.crv, "P-384");
  EXPECT_EQ(key_bundle.key.x, key.jwk["x"]);
  const CertificateBundle cert_bundle = kv.get_certificate("tls", cert.version, CallControl());
  EXPECT_EQ(cert_bundle.cer, cert.cer_base64);
  const SecretBundle backing = kv.get_secret("tls", "", CallControl());
  EXPECT_EQ(backing.content_type, cert.content_type);
  EXPECT_EQ(backing.kid, cert.kid);

  EXPECT_EQ(settled("kv-401-challenge").total, 1);
  EXPECT_EQ(settled("token").total, 1);
  EXPECT_EQ(settled("kv-get").with_authorization, 4);
  EXPECT_EQ(metric_errors_, std::vector<std::string>(4, ""));
}

TEST_F(KeyVaultEmulatorTest, LaterMountsSkipTheChallengeAndReuseTheToken) {
  azure_->register_service_principal("app-id", "app-secret", {"kv1"});
  azure_->create_secret("kv1", "s", "v");
  for (int mount = 0; mount < 3; ++mount) {
    KeyVaultClient kv = vault(service_principal());
    EXPECT_EQ(view(kv.get_secret("s", "", CallControl()).value), "v");
  }
  EXPECT_EQ(settled("kv-401-challenge").total, 1);
  EXPECT_EQ(settled("token").total, 1);
  EXPECT_EQ(settled("kv-get").total, 3);
}

TEST_F(KeyVaultEmulatorTest, ConcurrentWorkloadIdentityMountsShareOneTokenRequest) {
  azure_->register_workload_identity("wi-app", "system:serviceaccount:ns1:sa1", {"kv1"});
  azure_->create_secret("kv1", "s", "from-wi");
  std::vector<std::thread> pods;
  std::atomic<int> ok{0};
  for (int i = 0; i < 8; ++i) {
    pods.emplace_back([&, i] {
      KeyVaultClient kv = vault(workload_identity("pod-" + std::to_string(i)));
      if (view(kv.get_secret("s", "", CallControl()).value) == "from-wi") ++ok;
    });
  }
  for (auto& pod : pods) pod.join();
  EXPECT_EQ(ok.load(), 8);
  EXPECT_EQ(settled("token").total, 1);
  EXPECT_EQ(settled("kv-401-challenge").total, 1);
}

TEST_F(KeyVaultEmulatorTest, WorkloadIdentityOfAnotherSubjectIsRefusedByEntraId) {
  azure_->register_workload_identity("wi-app", "system:serviceaccount:other:sa", {"kv1"});
  azure_->create_secret("kv1", "s", "v");
  KeyVaultClient kv = vault(workload_identity("pod-a"));
  try {
    kv.get_secret("s", "", CallControl());
    FAIL();
  } catch (const MountError& error) {
    EXPECT_EQ(error.code(), SSCSI_UNAUTHORIZED);
    EXPECT_NE(std::string(error.what()).find("AADSTS70021"), std::string::npos) << error.what();
    EXPECT_NE(std::string(error.what()).find("(service account ns1/sa1)"), std::string::npos);
  }
}

TEST_F(KeyVaultEmulatorTest, VmManagedIdentitySystemAndUserAssigned) {
  azure_->register_system_assigned_identity({"kv1"});
  azure_->register_user_assigned_identity("uami-1", {"kv1"});
  azure_->create_secret("kv1", "s", "from-imds");
  MountRequest user;
  user.mode = IdentityMode::VmManagedIdentity;
  user.user_assigned_identity_id = "uami-1";
  EXPECT_EQ(view(vault(user).get_secret("s", "", CallControl()).value), "from-imds");
  MountRequest unknown = user;
  unknown.user_assigned_identity_id = "nobody";
  try {
    vault(unknown).get_secret("s", "", CallControl());
    FAIL();
  } catch (const MountError& error) {
    EXPECT_EQ(error.code(), SSCSI_INVALID_PARAMETERS);
    EXPECT_NE(std::string(error.what()).find("Identity not found"), std::string::npos);
  }
  EXPECT_EQ(settled("imds").total, 2);
}

TEST_F(KeyVaultEmulatorTest, PodIdentityThroughNmi) {
  azure_->register_pod_identity("ns1", "web-0", "pod-mi", {"kv1"});
  azure_->create_secret("kv1", "s", "from-nmi");
  MountRequest bound;
  bound.mode = IdentityMode::PodIdentity;
  bound.pod_namespace = "ns1";
  bound.pod_name = "web-0";
  EXPECT_EQ(view(vault(bound).get_secret("s", "", CallControl()).value), "from-nmi");
  MountRequest unbound = bound;
  unbound.pod_name = "web-1";
  try {
    vault(unbound).get_secret("s", "", CallControl());
    FAIL();
  } catch (const MountError& error) {
    EXPECT_EQ(error.code(), SSCSI_UNAUTHORIZED);
    EXPECT_EQ(std::string(error.what()).rfind("nmi response failed with status code: 403", 0), 0u);
  }
}

TEST_F(KeyVaultEmulatorTest, ThrottlingWithRetryAfterIsSurvived) {
  azure_->register_service_principal("app-id", "app-secret", {"kv1"});
  azure_->create_secret("kv1", "s", "v");
  KeyVaultClient kv = vault(service_principal());
  kv.get_secret("s", "", CallControl());  // learn the challenge, get the token
  FaultSpec throttle = FaultSpec::answer("/secrets/s", 429, 1, {{"Retry-After", "1"}});
  throttle.authorization = true;
  azure_->add_fault(throttle);
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(view(kv.get_secret("s", "", CallControl()).value), "v");
  EXPECT_GE(std::chrono::steady_clock::now() - start, milliseconds(1000));
}

TEST_F(KeyVaultEmulatorTest, ThrottlingBeyondTheCapReportsTheServersWait) {
  azure_->register_service_principal("app-id", "app-secret", {"kv1"});
  azure_->create_secret("kv1", "s", "v");
  KeyVaultClient kv = vault(service_principal());
  kv.get_secret("s", "", CallControl());
  FaultSpec throttle = FaultSpec::answer("/secrets/s", 429, 1, {{"Retry-After", "120"}});
  throttle.authorization = true;
  azure_->add_fault(throttle);
  try {
    kv.get_secret("s", "", CallControl());
    FAIL();
  } catch (const MountError& error) {
    EXPECT_EQ(error.code(), SSCSI_THROTTLED);
    EXPECT_EQ(error.retry_after_ms(), 120000u);
  }
}

TEST_F(KeyVaultEmulatorTest, TruncatedAndResetAnswersAreRetried) {
  azure_->register_service_principal("app-id", "app-secret", {"kv1"});
  azure_->create_secret("kv1", "s", "v");
  KeyVaultClient kv = vault(service_principal());
  kv.get_secret("s", "", CallControl());
  FaultSpec truncate = FaultSpec::truncate("/secrets/s", 5, 1);
  truncate.authorization = true;
  azure_->add_fault(truncate);
  EXPECT_EQ(view(kv.get_secret("s", "", CallControl()).value), "v");
  FaultSpec reset = FaultSpec::connection_reset("/secrets/s", 1);
  reset.authorization = true;
  azure_->add_fault(reset);
  EXPECT_EQ(view(kv.get_secret("s", "", CallControl()).value), "v");
}

TEST_F(KeyVaultEmulatorTest, AForeignChallengeResourceIsRefusedWithoutATokenRequest) {
  azure_->register_service_principal("app-id", "app-secret", {"kv1"});
  azure_->create_secret("kv1", "s", "v");
  azure_->configure_vault("kv1", {{"challengeResource", "https://vault.evil.example"}});
  try {
    vault(service_principal()).get_secret("s", "", CallControl());
    FAIL();
  } catch (const MountError& error) {
    EXPECT_EQ(error.code(), SSCSI_UNAUTHORIZED);
    EXPECT_EQ(std::string(error.what())
                  .rfind("challenge resource \"vault.evil.example\" doesn't match the requested "
                         "domain",
                         0),
              0u)
        << error.what();
  }
  EXPECT_EQ(settled("token").total, 0);
}

TEST_F(KeyVaultEmulatorTest, AMissingSecretIsNotFoundWithKeyVaultsMessage) {
  azure_->register_service_principal("app-id", "app-secret", {"kv1"});
  try {
    vault(service_principal()).get_secret("nope", "", CallControl());
    FAIL();
  } catch (const MountError& error) {
    EXPECT_EQ(error.code(), SSCSI_NOT_FOUND);
    EXPECT_EQ(std::string(error.what())
                  .rfind("secret nope (latest version) not found in vault kv1.vault.azure.net: "
                         "SecretNotFound: ",
                         0),
              0u)
        << error.what();
  }
  ASSERT_EQ(metric_errors_.size(), 1u);
  EXPECT_NE(metric_errors_[0].find("SecretNotFound"), std::string::npos);
}

TEST_F(KeyVaultEmulatorTest, AWrongClientSecretIsUnauthorized) {
  azure_->register_service_principal("app-id", "app-secret", {"kv1"});
  try {
    vault(service_principal("wrong")).get_secret("s", "", CallControl());
    FAIL();
  } catch (const MountError& error) {
    EXPECT_EQ(error.code(), SSCSI_UNAUTHORIZED);
    EXPECT_NE(std::string(error.what()).find("AADSTS"), std::string::npos) << error.what();
    EXPECT_EQ(std::string(error.what()).find("wrong"), std::string::npos);  // no secret echoed
  }
}

TEST_F(KeyVaultEmulatorTest, RevokedTokensAreReplacedOnce) {
  azure_->register_service_principal("app-id", "app-secret", {"kv1"});
  azure_->create_secret("kv1", "s", "v");
  KeyVaultClient kv = vault(service_principal());
  kv.get_secret("s", "", CallControl());
  azure_->revoke_tokens();
  EXPECT_EQ(view(kv.get_secret("s", "", CallControl()).value), "v");
  EXPECT_EQ(settled("token").total, 2);
}

TEST_F(KeyVaultEmulatorTest, VersionHistoryAcrossPages) {
  azure_->register_service_principal("app-id", "app-secret", {"kv1"});
  azure_->set_page_size(2);
  std::vector<std::string> versions;
  for (int i = 0; i < 5; ++i) {
    versions.push_back(azure_->create_secret("kv1", "rotated", "value-" + std::to_string(i),
                                             {{"created", 1700000000 + i * 3600}}));
  }
  azure_->set_attributes("kv1", "secret", "rotated", versions[3], {{"enabled", false}});
  KeyVaultClient kv = vault(service_principal());
  const auto listed = kv.list_versions(ObjectType::Secret, "rotated", CallControl());
  EXPECT_EQ(listed.size(), 5u);
  EXPECT_EQ(select_versions(listed, "", 3),
            (std::vector<std::string>{versions[4], versions[2], versions[1]}));
  EXPECT_GE(settled("kv-list").total, 3);
  EXPECT_EQ(view(kv.get_secret("rotated", versions[1], CallControl()).value), "value-1");
}

TEST_F(KeyVaultEmulatorTest, TheDeadlineStopsASlowVault) {
  azure_->register_service_principal("app-id", "app-secret", {"kv1"});
  azure_->create_secret("kv1", "s", "v");
  KeyVaultClient kv = vault(service_principal());
  kv.get_secret("s", "", CallControl());
  FaultSpec slow = FaultSpec::delay("/secrets/s", 10000, 1);
  slow.authorization = true;
  azure_->add_fault(slow);
  const CallControl control(CallControl::Clock::now() + milliseconds(500), {});
  const auto start = std::chrono::steady_clock::now();
  try {
    kv.get_secret("s", "", control);
    FAIL();
  } catch (const MountError& error) {
    EXPECT_EQ(error.code(), SSCSI_DEADLINE_EXCEEDED);
  }
  EXPECT_LT(std::chrono::steady_clock::now() - start, milliseconds(2500));
}

}  // namespace
}  // namespace sscsi::azure
