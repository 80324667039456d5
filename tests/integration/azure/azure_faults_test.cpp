// Faults and refusals end to end: throttling and server errors survived or reported, a missing
// object and a foreign challenge failing the mount cleanly (target as it was, no record), tokens
// and challenges reused across mounts, and bad parameters refused before any request.

#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "azure_host.h"
#include "volume_files.h"

namespace sscsi::testing_support {
namespace {

using namespace std::chrono_literals;

const std::string kObjects =
    azure_objects_yaml({{{"objectName", "db-password"}, {"objectType", "secret"}}});

FaultSpec keyvault_fault(int status, int count, std::map<std::string, std::string> headers = {}) {
  FaultSpec fault = FaultSpec::answer("/secrets/db-password", status, count, std::move(headers));
  fault.kind = "kv-get";
  return fault;
}

// How often the fault rules matched, from the emulator's admin API.
int fault_hits(AzureEmulator& azure) {
  int hits = 0;
  for (const auto& rule : azure.admin("GET", "faults")) hits += rule.value("hits", 0);
  return hits;
}

// A failed first mount leaves the target as the kubelet made it and records nothing.
void expect_nothing_left(AzureHost& env, const std::filesystem::path& target) {
  EXPECT_FALSE(target_state(target).exists) << describe(target_state(target));
  EXPECT_TRUE(env.host().records().empty());
}

TEST(AzureFaults, ThrottlingWithRetryAfterIsWaitedOut) {
  AzureHost env = workload_host();
  env.azure().create_secret(kVault, "db-password", "throttled-value");
  env.azure().add_fault(keyvault_fault(429, 2, {{"Retry-After", "1"}}));
  const auto target = env.host().kubelet_target("pod-429");
  const grpc::Status status =
      env.publish("throttled", AzureHost::workload_parameters(kObjects), "pod-429", target);
  ASSERT_TRUE(status.ok()) << status.error_message() << "\n" << env.host().log();
  EXPECT_EQ(read_volume(target).at("db-password").content, "throttled-value");
  EXPECT_EQ(fault_hits(env.azure()), 2);
}

TEST(AzureFaults, ARetryAfterBeyondTheCapFailsAtOnceAsThrottled) {
  AzureHost env = workload_host();
  env.azure().create_secret(kVault, "db-password", "unreachable-value");
  env.azure().add_fault(keyvault_fault(429, -1, {{"Retry-After", "120"}}));
  const auto target = env.host().kubelet_target("pod-cap");
  const auto started = std::chrono::steady_clock::now();
  const grpc::Status status =
      env.publish("capped", AzureHost::workload_parameters(kObjects), "pod-cap", target);
  const auto took = std::chrono::steady_clock::now() - started;
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << status.error_message();
  const std::string expected =
      "failed to get objectType:secret, objectName:db-password, objectVersion:: vault "
      "kv-e2e.vault.azure.net throttled the request for secret db-password (latest version) (HTTP "
      "429): Throttled: Injected by emulator fault rule 1.; the vault asked to wait 120000 ms";
  EXPECT_EQ(status.error_message(), kFromPlugin + expected);
  // Far below the 120 s asked for: the plugin gives up instead of waiting (maxRetryAfterMs 60 s).
  EXPECT_LT(took, 30s);
  EXPECT_EQ(fault_hits(env.azure()), 1);
  EXPECT_NE(env.host().log().find(expected), std::string::npos) << env.host().log();
  expect_nothing_left(env, target);
}

TEST(AzureFaults, ABurstOfServerErrorsIsRetried) {
  AzureHost env = workload_host();
  env.azure().create_secret(kVault, "db-password", "after-the-burst");
  env.azure().add_fault(keyvault_fault(503, 1));
  env.azure().add_fault(keyvault_fault(500, 1));
  const auto target = env.host().kubelet_target("pod-5xx");
  const grpc::Status status =
      env.publish("burst", AzureHost::workload_parameters(kObjects), "pod-5xx", target);
  ASSERT_TRUE(status.ok()) << status.error_message() << "\n" << env.host().log();
  EXPECT_EQ(read_volume(target).at("db-password").content, "after-the-burst");
  EXPECT_EQ(fault_hits(env.azure()), 2);
}

TEST(AzureFaults, AMissingObjectFailsTheWholeMountNamingObjectAndVault) {
  AzureHost env = workload_host();
  env.azure().create_secret(kVault, "present", "present-value");
  const auto target = env.host().kubelet_target("pod-404");
  const grpc::Status status =
      env.publish("missing",
                  AzureHost::workload_parameters(
                      azure_objects_yaml({{{"objectName", "present"}, {"objectType", "secret"}},
                                          {{"objectName", "absent"}, {"objectType", "secret"}}})),
                  "pod-404", target);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(
      status.error_message().rfind(
          kFromPlugin +
              "failed to get objectType:secret, objectName:absent, objectVersion:: secret absent "
              "(latest version) not found in vault kv-e2e.vault.azure.net: SecretNotFound: A "
              "secret with (name/id) absent was not found in this key vault.",
          0),
      0u)
      << status.error_message();
  expect_nothing_left(env, target);
}

TEST(AzureFaults, AChallengeForAForeignResourceIsRefusedWithoutSendingAToken) {
  AzureHost env = workload_host();
  env.azure().create_secret(kVault, "db-password", "guarded-value");
  env.azure().configure_vault(kVault, {{"challengeResource", "https://vault.attacker.example"}});
  const auto target = env.host().kubelet_target("pod-foreign");
  const grpc::Status status =
      env.publish("foreign", AzureHost::workload_parameters(kObjects), "pod-foreign", target);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(
      status.error_message(),
      kFromPlugin +
          "failed to get objectType:secret, objectName:db-password, objectVersion:: challenge "
          "resource \"vault.attacker.example\" doesn't match the requested domain: vault "
          "kv-e2e.vault.azure.net is not under vault.attacker.example, so no token for that "
          "resource is sent to it. Check the vault name and cloudName (see "
          "https://aka.ms/azsdk/blog/vault-uri)");
  expect_nothing_left(env, target);
  // No token was even asked for, and nothing with an Authorization header reached the vault.
  EXPECT_EQ(env.azure().count("token").total, 0);
  const auto requests = env.azure().requests();
  ASSERT_FALSE(requests.empty());
  for (const RequestRecord& r : requests) {
    EXPECT_FALSE(r.authorization) << r.method << " " << r.host << r.path;
  }
}

TEST(AzureFaults, TokensAndChallengesAreReusedAcrossMountsOfOneServiceAccount) {
  AzureHostSetup setup;
  // No shared answers: every mount below reaches the plugin.
  setup.extra_args = {"--shared-fetch-window", "0s"};
  AzureHost env = workload_host(setup);
  env.azure().register_workload_identity(kWorkloadClientId, "system:serviceaccount:default:other",
                                         {kVault}, AzureEmulator::kWorkloadAudience, kTenant);
  env.azure().create_secret(kVault, "db-password", "shared-secret");
  env.azure().create_secret(kVault, "api-key", "api-key-value");
  const auto params_a = AzureHost::workload_parameters(kObjects);
  const auto params_b = AzureHost::workload_parameters(
      azure_objects_yaml({{{"objectName", "api-key"}, {"objectType", "secret"}}}));

  for (const auto& [pod, spc] : std::vector<std::pair<std::string, std::string>>{
           {"pod-a1", "class-a"}, {"pod-a2", "class-a"}, {"pod-b1", "class-b"}}) {
    const auto& params = spc == "class-a" ? params_a : params_b;
    const grpc::Status status = env.publish(
        spc, params, pod, env.host().kubelet_target(pod),
        AzurePodOptions{.tokens = AzureHost::service_account_tokens(), .pod_name = pod});
    ASSERT_TRUE(status.ok()) << pod << ": " << status.error_message() << "\n" << env.host().log();
  }
  EXPECT_EQ(env.azure().count("token").total, 1) << "one token for service account default/app";
  EXPECT_EQ(env.azure().count("kv-401-challenge").total, 1) << "the vault's challenge, once";
  EXPECT_EQ(env.azure().count("kv-get").total, 3);

  // Another service account of the namespace gets its own token; the challenge stays learned.
  const grpc::Status other = env.publish(
      "class-a", params_a, "pod-other", env.host().kubelet_target("pod-other"),
      AzurePodOptions{
          .tokens = AzureHost::service_account_tokens("system:serviceaccount:default:other"),
          .pod_name = "pod-other",
          .service_account = "other"});
  ASSERT_TRUE(other.ok()) << other.error_message();
  EXPECT_EQ(env.azure().count("token").total, 2);
  EXPECT_EQ(env.azure().count("kv-401-challenge").total, 1);
}

struct RefusedBeforeAnyRequest {
  std::string name;
  std::map<std::string, std::string> params;
  std::map<std::string, std::string> secrets;
  std::string message;
};

TEST(AzureFaults, BadParametersAreRefusedBeforeAnyRequestAndLeaveNothingBehind) {
  AzureHost env = workload_host();
  const auto sp = vault_parameters(kObjects);
  auto bad_vault = AzureHost::workload_parameters(kObjects);
  bad_vault["keyvaultName"] = "kv_e2e";
  auto bare_list = AzureHost::workload_parameters("- objectName: db-password\n");
  auto traversal = AzureHost::workload_parameters(azure_objects_yaml(
      {{{"objectName", "db-password"}, {"objectType", "secret"}, {"objectAlias", "../escape"}}}));
  const std::vector<RefusedBeforeAnyRequest> cases = {
      {"no-client-secret",
       sp,
       {{"clientid", "sp-client"}},
       "failed to build auth config for mode None: could not find clientsecret in secrets"},
      {"bad-vault-name",
       bad_vault,
       {},
       "failed to get vault: Invalid vault name: \"kv_e2e\", must match [-a-zA-Z0-9]{3,24}"},
      {"bare-list",
       bare_list,
       {},
       "failed to yaml unmarshal objects, error: yaml: unmarshal errors:\\n  line 1: cannot "
       "unmarshal !!seq into types.StringArray"},
      {"traversal",
       traversal,
       {},
       "failed to get objectType:secret, objectName:db-password, objectVersion:: file name must "
       "not contain '..'"},
  };
  for (const auto& bad : cases) {
    const auto target = env.host().kubelet_target("pod-" + bad.name);
    const grpc::Status status = env.publish(
        bad.name, bad.params, "pod-" + bad.name, target,
        AzurePodOptions{.tokens = AzureHost::service_account_tokens(), .secrets = bad.secrets});
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << bad.name;
    EXPECT_EQ(status.error_message(), kFromPlugin + bad.message) << bad.name;
    expect_nothing_left(env, target);
  }
  EXPECT_TRUE(env.azure().requests().empty()) << "a refused mount reached Azure";
}

}  // namespace
}  // namespace sscsi::testing_support
