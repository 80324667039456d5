// Every identity mode of the Azure plugin end to end: sscsi-host over CSI, the plugin, and the
// emulator's Entra ID, IMDS and NMI over the wire (reference azure-provider.md §3). Each test
// also checks, from the emulator's request log, that the token came the mode's way.

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "azure_host.h"
#include "csi_requests.h"
#include "volume_files.h"

namespace sscsi::testing_support {
namespace {

const std::string kSecretObject =
    azure_objects_yaml({{{"objectName", "db-password"}, {"objectType", "secret"}}});

std::size_t requests_of_kind(AzureEmulator& azure, const std::string& kind) {
  const auto all = azure.requests();
  return static_cast<std::size_t>(std::count_if(
      all.begin(), all.end(), [&](const RequestRecord& r) { return r.kind == kind; }));
}

// The one request of `kind` (fails the test when there is not exactly one).
RequestRecord only_request(AzureEmulator& azure, const std::string& kind) {
  RequestRecord found;
  int seen = 0;
  for (const RequestRecord& r : azure.requests()) {
    if (r.kind == kind) {
      found = r;
      ++seen;
    }
  }
  EXPECT_EQ(seen, 1) << "requests of kind " << kind;
  return found;
}

void expect_secret_file(const std::filesystem::path& target, const std::string& value) {
  const auto files = read_volume(target);
  ASSERT_EQ(files.size(), 1u);
  EXPECT_EQ(files.at("db-password").content, value);
}

TEST(AzureIdentity, WorkloadIdentityExchangesTheServiceAccountToken) {
  AzureHost env;
  env.azure().register_workload_identity(kWorkloadClientId, kWorkloadSubject, {kVault},
                                         AzureEmulator::kWorkloadAudience, kTenant);
  env.azure().create_secret(kVault, "db-password", "wi-secret-value");
  const auto target = env.host().kubelet_target("pod-wi");
  const grpc::Status status =
      env.publish("wi", AzureHost::workload_parameters(kSecretObject), "pod-wi", target);
  ASSERT_TRUE(status.ok()) << status.error_message() << "\n" << env.host().log();
  expect_secret_file(target, "wi-secret-value");
  const RequestRecord token = only_request(env.azure(), "token");
  EXPECT_EQ(token.host, "login.microsoftonline.com");
  EXPECT_EQ(token.path, std::string("/") + kTenant + "/oauth2/v2.0/token");
  EXPECT_EQ(requests_of_kind(env.azure(), "imds") + requests_of_kind(env.azure(), "nmi"), 0u);
}

TEST(AzureIdentity, ServicePrincipalFromTheNodePublishSecretRef) {
  AzureHost env;
  env.azure().register_service_principal("sp-client-e2e", "sp-secret-e2e", {kVault});
  env.azure().create_secret(kVault, "db-password", "sp-secret-value");
  const auto target = env.host().kubelet_target("pod-sp");
  // Keys are matched case-insensitively (upstream: clientid, clientsecret).
  const grpc::Status status =
      env.publish("sp", vault_parameters(kSecretObject), "pod-sp", target,
                  AzurePodOptions{.secrets = {{"ClientID", "sp-client-e2e"},
                                              {"CLIENTSECRET", "sp-secret-e2e"}}});
  ASSERT_TRUE(status.ok()) << status.error_message() << "\n" << env.host().log();
  expect_secret_file(target, "sp-secret-value");
  EXPECT_EQ(only_request(env.azure(), "token").path,
            std::string("/") + kTenant + "/oauth2/v2.0/token");
}

TEST(AzureIdentity, SystemAssignedManagedIdentityThroughImds) {
  AzureHost env;
  env.azure().register_system_assigned_identity({kVault});
  // A user-assigned identity on the same VM: without userAssignedIdentityID the system one wins.
  env.azure().register_user_assigned_identity("uami-unused", {});
  env.azure().create_secret(kVault, "db-password", "system-mi-value");
  auto params = vault_parameters(kSecretObject);
  params["useVMManagedIdentity"] = "true";
  const auto target = env.host().kubelet_target("pod-smi");
  const grpc::Status status = env.publish("smi", params, "pod-smi", target, AzurePodOptions{});
  ASSERT_TRUE(status.ok()) << status.error_message() << "\n" << env.host().log();
  expect_secret_file(target, "system-mi-value");
  const RequestRecord imds = only_request(env.azure(), "imds");
  EXPECT_NE(imds.path.find("/metadata/identity/oauth2/token?api-version=2018-02-01&resource="),
            std::string::npos)
      << imds.path;
  EXPECT_EQ(imds.path.find("client_id="), std::string::npos) << imds.path;
  EXPECT_EQ(requests_of_kind(env.azure(), "token"), 0u);
}

TEST(AzureIdentity, UserAssignedManagedIdentityNamedByItsClientId) {
  AzureHost env;
  env.azure().register_user_assigned_identity("uami-other", {});
  env.azure().register_user_assigned_identity("uami-e2e", {kVault});
  env.azure().create_secret(kVault, "db-password", "user-mi-value");
  auto params = vault_parameters(kSecretObject);
  params["useVMManagedIdentity"] = "true";
  params["userAssignedIdentityID"] = "uami-e2e";
  const auto target = env.host().kubelet_target("pod-umi");
  const grpc::Status status = env.publish("umi", params, "pod-umi", target, AzurePodOptions{});
  ASSERT_TRUE(status.ok()) << status.error_message() << "\n" << env.host().log();
  expect_secret_file(target, "user-mi-value");
  const RequestRecord imds = only_request(env.azure(), "imds");
  EXPECT_NE(imds.path.find("&client_id=uami-e2e"), std::string::npos) << imds.path;
}

TEST(AzureIdentity, PodIdentityThroughNmiWorksAndLogsItsDeprecation) {
  AzureHost env;
  env.azure().register_pod_identity(kPodNamespace, "pod-identity-0", "pod-identity-client",
                                    {kVault});
  env.azure().create_secret(kVault, "db-password", "nmi-value");
  auto params = vault_parameters(kSecretObject);
  params["usePodIdentity"] = "true";
  const auto target = env.host().kubelet_target("pod-nmi");
  const grpc::Status status =
      env.publish("nmi", params, "pod-nmi", target, AzurePodOptions{.pod_name = "pod-identity-0"});
  ASSERT_TRUE(status.ok()) << status.error_message() << "\n" << env.host().log();
  expect_secret_file(target, "nmi-value");
  EXPECT_EQ(only_request(env.azure(), "nmi").path.rfind("/host/token/?resource=", 0), 0u);
  EXPECT_NE(env.host().log().find("usePodIdentity is deprecated"), std::string::npos)
      << env.host().log();
}

TEST(AzureIdentity, PodIdentityIsNeverSharedBetweenPods) {
  // NMI decides per pod: a second pod without a binding must not get the first pod's answer,
  // even with identical parameters inside the host's shared-fetch window.
  AzureHost env;
  env.azure().register_pod_identity(kPodNamespace, "bound-pod", "pod-identity-client", {kVault});
  env.azure().create_secret(kVault, "db-password", "nmi-value");
  auto params = vault_parameters(kSecretObject);
  params["usePodIdentity"] = "true";
  const auto bound = env.host().kubelet_target("pod-bound");
  ASSERT_TRUE(
      env.publish("nmi", params, "pod-bound", bound, AzurePodOptions{.pod_name = "bound-pod"}).ok())
      << env.host().log();
  const auto unbound = env.host().kubelet_target("pod-unbound");
  const grpc::Status status = env.publish("nmi", params, "pod-unbound", unbound,
                                          AzurePodOptions{.pod_name = "unbound-pod"});
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED) << status.error_message();
  EXPECT_NE(status.error_message().find("nmi response failed with status code: 403"),
            std::string::npos)
      << status.error_message();
  EXPECT_FALSE(target_state(unbound).exists);
}

// Identity binding (useAzureTokenProxy) cannot succeed against the emulator: the plugin's token
// proxy client trusts only /var/run/secrets/kubernetes.io/serviceaccount/ca.crt (else the
// system store), and computes the TLS server name from an API server certificate SAN
// "hcp-kubernetes.<cluster id>.svc.cluster.local"; the plugin configuration offers neither a CA
// nor an SNI name for the proxy, and the emulator's certificate has no such names. What can be
// checked end to end is that the mode is wired and fails with upstream's "proxy transport not
// available" message, leaving nothing behind.
TEST(AzureIdentity, IdentityBindingWithoutAReachableClusterSaysTheProxyIsUnavailable) {
  AzureHost env;
  env.azure().create_secret(kVault, "db-password", "ib-value");
  auto params = vault_parameters(kSecretObject);
  params["useAzureTokenProxy"] = "true";
  params["clientID"] = kWorkloadClientId;
  const auto target = env.host().kubelet_target("pod-ib");
  const grpc::Status status =
      env.publish("ib", params, "pod-ib", target,
                  AzurePodOptions{.tokens = AzureHost::service_account_tokens(
                                      kWorkloadSubject, AzureEmulator::kIdentityBindingAudience)});
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE) << status.error_message();
  EXPECT_NE(status.error_message().find(
                "failed to get objectType:secret, objectName:db-password, objectVersion:: proxy "
                "transport not available: compute SNI name:"),
            std::string::npos)
      << status.error_message();
  EXPECT_FALSE(target_state(target).exists);
  EXPECT_TRUE(env.host().records().empty());
  EXPECT_EQ(requests_of_kind(env.azure(), "token"), 0u);
}

}  // namespace
}  // namespace sscsi::testing_support
