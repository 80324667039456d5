// Secret sync with the Azure plugin against the real apiserver: a SecretProviderClass of provider
// azure with secretObjects (an Opaque Secret from a Key Vault secret and a kubernetes.io/tls
// Secret from a PFX-backed certificate), served by the Azure emulator; the secret rotated in Key
// Vault reaches both the pod's file and the synced Kubernetes Secret on the next refresh.

#include <fmt/format.h>

#include <chrono>
#include <memory>
#include <thread>

#include "../csi_requests.h"
#include "../volume_files.h"
#include "azure_emulator.h"
#include "kube_host_test.h"
#include "kube_objects.h"
#include "unsigned_jwt.h"

namespace sscsi::testing_support {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

constexpr const char* kVault = "kv-sync";
constexpr const char* kTenant = "tenant-sync";
constexpr const char* kClientId = "22222222-aaaa-4bbb-8ccc-000000000002";

class AzureSyncTest : public KubeHostTest {
 protected:
  // The host with the Azure plugin routed to a fresh emulator, refreshing on every republish
  // once a second has passed.
  void start_azure_host() {
    azure_ = std::make_unique<AzureEmulator>();
    const json config = {{"caFile", azure_->ca_file().string()},
                         {"connectTo", azure_->connect_to()},
                         {"maxRetries", 0}};
    canaries_.push_back(cluster().host_token());
    host_ = std::make_unique<CsiHost>(
        CsiHostSetup{.extra_args = {"--kubeconfig", cluster().host_kubeconfig().string(), "-v", "5",
                                    "--enable-secret-rotation", "--rotation-poll-interval", "1s"},
                     .spc_dir = false,
                     .plugins = {fs::path(SSCSI_PLUGIN_DIR) / "libsscsi-provider-azure.so"},
                     .plugin_configs = {{"azure", config.dump()}}});
    host_->start();
  }

  // The service-account token the kubelet would mint for the pod's service account "app".
  std::string tokens() {
    JwtClaims claims;
    claims.audience = AzureEmulator::kWorkloadAudience;
    claims.subject = fmt::format("system:serviceaccount:{}:app", ns_);
    const std::string jwt = unsigned_jwt(claims);
    canaries_.push_back(jwt);
    return json{{AzureEmulator::kWorkloadAudience,
                 {{"token", jwt}, {"expirationTimestamp", "2099-01-01T00:00:00Z"}}}}
        .dump();
  }

  grpc::Status publish_with_token(const TestPod& pod, const std::string& spc) {
    auto request = request_for(pod, spc);
    (*request.mutable_volume_context())["csi.storage.k8s.io/serviceAccount.tokens"] = tokens();
    return host().publish(request);
  }

  std::unique_ptr<AzureEmulator> azure_;
};

CertificateOptions ec_chain_certificate() {
  CertificateOptions options;
  options.issuer = CertificateIssuer::chain;
  options.key_type = "EC";
  return options;
}

std::string azure_objects() {
  return "array:\n"
         "  - |\n    objectName: db-password\n    objectType: secret\n"
         "  - |\n    objectName: web-tls\n    objectType: secret\n";
}

TEST_F(AzureSyncTest, KeyVaultSecretsSyncToKubernetesSecretsAndFollowARotation) {
  start_azure_host();
  azure_->register_workload_identity(kClientId, fmt::format("system:serviceaccount:{}:app", ns_),
                                     {kVault}, AzureEmulator::kWorkloadAudience, kTenant);
  const std::string first = "sync-password-v1-3e9d";
  const std::string second = "sync-password-v2-71ab";
  canaries_.insert(canaries_.end(), {first, second});
  azure_->create_secret(kVault, "db-password", first);
  const CertificateMaterial cert =
      azure_->create_certificate(kVault, "web-tls", ec_chain_certificate());

  const json spec = {
      {"provider", "azure"},
      {"parameters",
       {{"keyvaultName", kVault},
        {"tenantID", kTenant},
        {"clientID", kClientId},
        {"objects", azure_objects()}}},
      {"secretObjects",
       json::array({{{"secretName", "db-creds"},
                     {"type", "Opaque"},
                     {"data", json::array({{{"objectName", "db-password"}, {"key", "password"}}})}},
                    {{"secretName", "web-tls"},
                     {"type", "kubernetes.io/tls"},
                     {"data", json::array({{{"objectName", "web-tls"}, {"key", "tls.crt"}},
                                           {{"objectName", "web-tls"}, {"key", "tls.key"}}})}}})}};
  create_secret_provider_class(admin(), ns_, "azure-sync", spec);
  const TestPod pod = make_pod("azure-app");

  const grpc::Status status = publish_with_token(pod, "azure-sync");
  ASSERT_TRUE(status.ok()) << status.error_message() << "\n" << host().log() << azure_->log_tail();
  EXPECT_EQ(read_volume(pod.target).at("db-password").content, first);
  EXPECT_EQ(secret_data("db-creds"), (std::map<std::string, std::string>{{"password", first}}));
  const auto tls = secret_data("web-tls");
  ASSERT_EQ(tls.size(), 2u);
  // The leaf first, then its chain, as the plugin ordered the PFX.
  EXPECT_EQ(tls.at("tls.crt").rfind(cert.certificate_pem, 0), 0u) << tls.at("tls.crt");
  EXPECT_NE(tls.at("tls.key").find("PRIVATE KEY-----"), std::string::npos);
  EXPECT_EQ(get_core("secrets/web-tls").body["type"], "kubernetes.io/tls");

  azure_->rotate(kVault, "secret", "db-password", {{"value", second}});
  // The kubelet's republish after the poll interval refreshes (the host's scheduler may be first).
  std::this_thread::sleep_for(1200ms);
  ASSERT_TRUE(publish_with_token(pod, "azure-sync").ok()) << host().log();
  EXPECT_TRUE(wait_until(
      [&] {
        const ApiResponse secret = get_core("secrets/db-creds");
        return secret.ok() && base64_decode(secret.body["data"].value("password", "")) == second;
      },
      20s))
      << host().log();
  EXPECT_EQ(read_volume(pod.target).at("db-password").content, second);
  EXPECT_FALSE(wait_for_event(pod, "SecretRotationComplete").empty());
}

}  // namespace
}  // namespace sscsi::testing_support
