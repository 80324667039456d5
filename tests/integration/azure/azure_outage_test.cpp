// Outages of Key Vault, the token endpoint and IMDS, through sscsi-host and the Azure plugin: a
// throttling storm over many pods, throttling and a slow vault during a refresh, a vault slower
// than the mount's deadline, and an identity endpoint that is slow or refuses every connection.
// What must hold: the code and message say what failed, a failed first mount leaves nothing, a
// failed refresh keeps the content the pod has, and nothing is remembered once the fault clears.

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "azure_host.h"
#include "csi_requests.h"
#include "eventually.h"
#include "mount_table.h"
#include "volume_files.h"

namespace sscsi::testing_support {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

const std::string kObjects =
    azure_objects_yaml({{{"objectName", "db-password"}, {"objectType", "secret"}}});

FaultSpec keyvault_fault(FaultSpec fault) {
  fault.kind = "kv-get";
  return fault;
}

FaultSpec of_kind(FaultSpec fault, const std::string& kind) {
  fault.kind = kind;
  return fault;
}

int fault_hits(AzureEmulator& azure) {
  int hits = 0;
  for (const auto& rule : azure.admin("GET", "faults")) hits += rule.value("hits", 0);
  return hits;
}

// Requests of `kind` the emulator answered without a fault (its request log).
long answered(AzureEmulator& azure, const std::string& kind) {
  long n = 0;
  for (const RequestRecord& r : azure.requests()) {
    if (r.kind == kind && r.outcome == "ok") ++n;
  }
  return n;
}

std::string content(const fs::path& target) {
  const auto files = read_volume(target);
  const auto file = files.find("db-password");
  return file == files.end() ? std::string() : file->second.content;
}

// What a mount stopped by its deadline answers: the host's own answer at the deadline, or (if the
// plugin's arrives first) the plugin's, which says that its deadline passed.
std::regex deadline_message() {
  return std::regex(
      "^(provider azure did not answer within [0-9]+ms|provider azure: .*deadline passed.*)$");
}

// A failed first mount leaves the target as the kubelet made it: no directory, no tmpfs, and
// no record.
void expect_nothing_left(AzureHost& env, const fs::path& target) {
  EXPECT_FALSE(target_state(target).exists) << describe(target_state(target));
  EXPECT_EQ(mount_count_at(target), 0u);
  EXPECT_TRUE(env.host().records().empty());
}

// The kubelet's publish with its own deadline (AzureHost::publish uses the harness's 60 s).
grpc::Status publish_within(AzureHost& env, const std::string& spc, const std::string& pod,
                            const fs::path& target, const AzurePodOptions& options,
                            std::chrono::milliseconds deadline) {
  return env.host().publish(env.request(spc, pod, target, options), deadline);
}

AzurePodOptions workload_pod(const std::string& pod_name = "") {
  return AzurePodOptions{.tokens = AzureHost::service_account_tokens(), .pod_name = pod_name};
}

TEST(AzureOutage, AThrottlingStormOverTwentyPodsIsRiddenOutWithoutMultiplyingVaultRequests) {
  AzureHost env = workload_host();
  env.azure().create_secret(kVault, "db-password", "storm-value");
  // More 429s than one plugin call retries (maxRetries 3: 4 attempts): the storm outlasts the
  // first calls, and the kubelet's retries have to carry the pods through it.
  constexpr int kThrottled = 10;
  env.azure().add_fault(keyvault_fault(
      FaultSpec::answer("/secrets/db-password", 429, kThrottled, {{"Retry-After", "1"}})));
  env.write_class("storm", AzureHost::workload_parameters(kObjects));

  constexpr int kPods = 20;
  std::vector<fs::path> targets;
  for (int i = 0; i < kPods; ++i) {
    targets.push_back(env.host().kubelet_target("pod-storm-" + std::to_string(i)));
  }
  std::vector<grpc::Status> results(kPods);
  std::vector<int> throttled_answers(kPods, 0);
  {
    std::vector<std::jthread> pods;
    for (int i = 0; i < kPods; ++i) {
      pods.emplace_back([&, i] {
        const std::string pod = "pod-storm-" + std::to_string(i);
        const auto request = env.request("storm", pod, targets[i], workload_pod(pod));
        // Like the kubelet: a throttled publish is tried again a little later (bounded here).
        for (int attempt = 0; attempt < 40; ++attempt) {
          results[i] = env.host().publish(request);
          if (results[i].error_code() != grpc::StatusCode::RESOURCE_EXHAUSTED) break;
          ++throttled_answers[i];
          std::this_thread::sleep_for(500ms);
        }
      });
    }
  }
  for (int i = 0; i < kPods; ++i) {
    ASSERT_TRUE(results[i].ok()) << "pod " << i << ": " << results[i].error_message() << "\n"
                                 << env.host().log();
    EXPECT_EQ(content(targets[i]), "storm-value") << "pod " << i;
  }
  EXPECT_EQ(fault_hits(env.azure()), kThrottled);
  // Twenty pods of one class and service account: one chain of plugin calls, so the vault saw
  // the storm's 429s and then one successful read, not twenty of each.
  EXPECT_EQ(env.azure().count("kv-get").total, kThrottled + 1) << env.azure().log_tail(60);
  EXPECT_EQ(answered(env.azure(), "kv-get"), 1);
  EXPECT_EQ(env.azure().count("token").total, 1);
  EXPECT_EQ(env.azure().count("kv-401-challenge").total, 1);
  int throttled_total = 0;
  for (int n : throttled_answers) throttled_total += n;
  // The storm outlasted one plugin call, so some pods were told to come back later.
  EXPECT_GT(throttled_total, 0);
  EXPECT_EQ(env.host().records().size(), static_cast<std::size_t>(kPods));
}

TEST(AzureOutage, ThrottlingDuringAForcedRefreshKeepsTheOldContentUntilItClears) {
  AzureHostSetup setup;
  setup.plugin_config = {{"maxRetries", 0}};  // the refresh meets the 429 at once
  AzureHost env = workload_host(setup);
  env.azure().create_secret(kVault, "db-password", "old-value");
  const auto target = env.host().kubelet_target("pod-r429");
  ASSERT_TRUE(
      env.publish("r429", AzureHost::workload_parameters(kObjects), "pod-r429", target).ok())
      << env.host().log();

  env.azure().add_fault(
      keyvault_fault(FaultSpec::answer("/secrets/db-password", 429, -1, {{"Retry-After", "1"}})));
  env.azure().rotate(kVault, "secret", "db-password", {{"value", "new-value"}});
  ::sscsi::admin::v1::RefreshResponse response;
  const grpc::Status refused = env.host().refresh(target, response);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << refused.error_message();
  EXPECT_EQ(refused.error_message(),
            kFromPlugin +
                "failed to get objectType:secret, objectName:db-password, objectVersion:: vault "
                "kv-e2e.vault.azure.net throttled the request for secret db-password (latest "
                "version) (HTTP 429): Throttled: Injected by emulator fault rule 1.; the vault "
                "asked to wait 1000 ms");
  EXPECT_TRUE(env.host().wait_for_log(
      "refresh of " + target.string() + " failed, keeping the current content", 10s))
      << env.host().log();
  EXPECT_EQ(content(target), "old-value");
  EXPECT_EQ(mount_count_at(target), 1u);
  EXPECT_GE(fault_hits(env.azure()), 1);

  // Once the vault stops throttling, a refresh brings the new value (the 1 s hold on the
  // throttled answer may still turn the first attempts away).
  env.azure().clear_faults();
  EXPECT_TRUE(eventually([&] {
    ::sscsi::admin::v1::RefreshResponse again;
    return env.host().refresh(target, again).ok() && content(target) == "new-value";
  })) << content(target)
      << "\n"
      << env.host().log();
  EXPECT_TRUE(env.host().unpublish(volume_id_for("pod-r429"), target.string()).ok());
  EXPECT_TRUE(env.host().records().empty());
}

// The rotation scheduler meeting a throttling vault: the pod keeps its content, the scheduler
// does not come back before the vault's Retry-After (5 s), and the rotated value arrives once the
// vault stops throttling.
TEST(AzureOutage, ThrottlingDuringScheduledRefreshesIsWaitedOutAndKeepsTheOldContent) {
  AzureHostSetup setup;
  setup.extra_args = {"--enable-secret-rotation", "--rotation-poll-interval", "1s"};
  setup.plugin_config = {{"maxRetries", 0}};
  AzureHost env = workload_host(setup);
  env.azure().create_secret(kVault, "db-password", "old-value");
  const auto target = env.host().kubelet_target("pod-s429");
  ASSERT_TRUE(
      env.publish("s429", AzureHost::workload_parameters(kObjects), "pod-s429", target).ok())
      << env.host().log();

  env.azure().add_fault(
      keyvault_fault(FaultSpec::answer("/secrets/db-password", 429, -1, {{"Retry-After", "5"}})));
  env.azure().rotate(kVault, "secret", "db-password", {{"value", "new-value"}});
  ASSERT_TRUE(eventually([&] { return fault_hits(env.azure()) >= 1; }, 30s)) << env.host().log();
  std::this_thread::sleep_for(7s);
  // Polling every second (or backing off 1 s, 2 s, 4 s) would have asked 3 or 4 times by now;
  // waiting out Retry-After allows the first 429 and at most one more.
  EXPECT_LE(fault_hits(env.azure()), 2) << env.azure().log_tail();
  EXPECT_TRUE(env.host().wait_for_log(
      "refresh of " + target.string() + " failed, keeping the current content", 10s))
      << env.host().log();
  EXPECT_NE(env.host().log().find("(HTTP 429)"), std::string::npos) << env.host().log();
  EXPECT_EQ(content(target), "old-value");
  EXPECT_EQ(mount_count_at(target), 1u);

  env.azure().clear_faults();
  EXPECT_TRUE(eventually([&] { return content(target) == "new-value"; }, 60s))
      << content(target) << "\n"
      << env.host().log();
  EXPECT_EQ(mount_count_at(target), 1u);
  EXPECT_TRUE(env.host().unpublish(volume_id_for("pod-s429"), target.string()).ok());
}

TEST(AzureOutage, AVaultSlowerThanTheMountsDeadlineFailsTheFirstMountAndLeavesNothing) {
  AzureHost env = workload_host();
  env.azure().create_secret(kVault, "db-password", "slow-value");
  env.azure().add_fault(keyvault_fault(FaultSpec::delay("/secrets/db-password", 20000, -1)));
  env.write_class("slow", AzureHost::workload_parameters(kObjects));
  const auto target = env.host().kubelet_target("pod-slow");
  const auto started = std::chrono::steady_clock::now();
  const grpc::Status status = publish_within(env, "slow", "pod-slow", target, workload_pod(), 3s);
  const auto took = std::chrono::steady_clock::now() - started;
  EXPECT_EQ(status.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED) << status.error_message();
  EXPECT_TRUE(std::regex_search(status.error_message(), deadline_message()))
      << status.error_message();
  EXPECT_LT(took, 15s) << "the 20 s vault delay was waited out";
  expect_nothing_left(env, target);

  // Nothing of the timed-out mount is remembered: the kubelet's retry succeeds once the vault
  // is fast again.
  env.azure().clear_faults();
  const grpc::Status retried = publish_within(env, "slow", "pod-slow", target, workload_pod(), 30s);
  ASSERT_TRUE(retried.ok()) << retried.error_message() << "\n" << env.host().log();
  EXPECT_EQ(content(target), "slow-value");
}

TEST(AzureOutage, ASlowVaultDuringARefreshKeepsTheOldContent) {
  AzureHostSetup setup;
  // One attempt of at most 1 s per request: a refresh meets the slow vault and gives up.
  setup.plugin_config = {{"maxRetries", 0}, {"requestTimeoutMs", 1000}};
  AzureHost env = workload_host(setup);
  env.azure().create_secret(kVault, "db-password", "old-value");
  const auto target = env.host().kubelet_target("pod-rslow");
  ASSERT_TRUE(
      env.publish("rslow", AzureHost::workload_parameters(kObjects), "pod-rslow", target).ok())
      << env.host().log();

  env.azure().add_fault(keyvault_fault(FaultSpec::delay("/secrets/db-password", 5000, -1)));
  env.azure().rotate(kVault, "secret", "db-password", {{"value", "new-value"}});
  ::sscsi::admin::v1::RefreshResponse response;
  const grpc::Status refused = env.host().refresh(target, response);
  EXPECT_FALSE(refused.ok());
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::UNAVAILABLE) << refused.error_message();
  EXPECT_EQ(
      refused.error_message().rfind(
          kFromPlugin + "failed to get objectType:secret, objectName:db-password, objectVersion:: ",
          0),
      0u)
      << refused.error_message();
  EXPECT_NE(refused.error_message().find("Timeout was reached"), std::string::npos)
      << refused.error_message();
  EXPECT_EQ(content(target), "old-value");
  EXPECT_EQ(mount_count_at(target), 1u);

  env.azure().clear_faults();
  ::sscsi::admin::v1::RefreshResponse again;
  const grpc::Status recovered = env.host().refresh(target, again);
  ASSERT_TRUE(recovered.ok()) << recovered.error_message();
  EXPECT_TRUE(again.rotated());
  EXPECT_EQ(content(target), "new-value");
  EXPECT_TRUE(env.host().unpublish(volume_id_for("pod-rslow"), target.string()).ok());
}

TEST(AzureOutage, OneTimedOutAttemptIsRetriedAndTheMountSucceeds) {
  AzureHostSetup setup;
  setup.plugin_config = {{"requestTimeoutMs", 1000}};  // below the one delayed answer
  AzureHost env = workload_host(setup);
  env.azure().create_secret(kVault, "db-password", "after-the-timeout");
  env.azure().add_fault(keyvault_fault(FaultSpec::delay("/secrets/db-password", 4000, 1)));
  const auto target = env.host().kubelet_target("pod-retry");
  const grpc::Status status =
      env.publish("retry", AzureHost::workload_parameters(kObjects), "pod-retry", target);
  ASSERT_TRUE(status.ok()) << status.error_message() << "\n" << env.host().log();
  EXPECT_EQ(content(target), "after-the-timeout");
  EXPECT_EQ(fault_hits(env.azure()), 1);
  // The emulator logs a request when it has answered: the delayed one shows up when its 4 s
  // are over, after the retry.
  EXPECT_TRUE(eventually([&] { return env.azure().count("kv-get").total == 2; }, 30s))
      << env.azure().log_tail();
}

// An identity endpoint outage: the first mount fails with `code` and a message matching
// `message` (searched), leaves nothing, and the next publish after the fault clears succeeds.
struct IdentityOutage {
  std::string kind;  // token (Entra ID, workload identity) or imds (VM managed identity)
  FaultSpec fault;
  std::chrono::milliseconds deadline;
  grpc::StatusCode code;
  std::regex message;
};

void run_identity_outage(const IdentityOutage& outage) {
  AzureHost env = workload_host();
  env.azure().register_system_assigned_identity({kVault});
  env.azure().create_secret(kVault, "db-password", "identity-value");
  auto params = AzureHost::workload_parameters(kObjects);
  AzurePodOptions pod = workload_pod();
  if (outage.kind == "imds") {
    params = vault_parameters(kObjects);
    params["useVMManagedIdentity"] = "true";
    pod = AzurePodOptions{};
  }
  env.write_class("identity", params);
  env.azure().add_fault(of_kind(outage.fault, outage.kind));
  const auto target = env.host().kubelet_target("pod-identity");
  const grpc::Status status =
      publish_within(env, "identity", "pod-identity", target, pod, outage.deadline);
  EXPECT_EQ(status.error_code(), outage.code) << status.error_message();
  EXPECT_TRUE(std::regex_search(status.error_message(), outage.message)) << status.error_message();
  EXPECT_GE(fault_hits(env.azure()), 1);
  EXPECT_EQ(env.azure().count("kv-get").with_authorization, 0) << "no token, no vault read";
  expect_nothing_left(env, target);

  env.azure().clear_faults();
  const grpc::Status recovered = publish_within(env, "identity", "pod-identity", target, pod, 30s);
  ASSERT_TRUE(recovered.ok()) << recovered.error_message() << "\n" << env.host().log();
  EXPECT_EQ(content(target), "identity-value");
  EXPECT_EQ(answered(env.azure(), outage.kind), 1);
}

TEST(AzureOutage, ATokenEndpointRefusingEveryConnectionIsUnavailableAndNotRemembered) {
  run_identity_outage(
      {.kind = "token",
       .fault = FaultSpec::connection_reset("", -1),
       .deadline = 60s,
       .code = grpc::StatusCode::UNAVAILABLE,
       .message = std::regex("^provider azure: failed to get objectType:secret, "
                             "objectName:db-password, objectVersion:: workload identity token for "
                             "client 11111111-aaaa-4bbb-8ccc-000000000001 \\(service account "
                             "default/app\\) from "
                             "https://login\\.microsoftonline\\.com/tenant-e2e/oauth2/v2\\.0/"
                             "token: no answer: .*Connection reset by peer \\(after 4 "
                             "attempts\\)$")});
}

TEST(AzureOutage, ATokenEndpointSlowerThanTheDeadlineIsDeadlineExceededAndNotRemembered) {
  run_identity_outage({.kind = "token",
                       .fault = FaultSpec::delay("", 20000, -1),
                       .deadline = 3s,
                       .code = grpc::StatusCode::DEADLINE_EXCEEDED,
                       .message = deadline_message()});
}

TEST(AzureOutage, ImdsRefusingEveryConnectionIsUnavailableAndNotRemembered) {
  run_identity_outage(
      {.kind = "imds",
       .fault = FaultSpec::connection_reset("", -1),
       // IMDS backs off (2^n - 1) x 2 s x [0.8, 1.3) and starts no retry that would end past
       // the deadline: within 14 s that is exactly 2 retries (at most 10.4 s; a third would end
       // after 17.6 s at the earliest).
       .deadline = 14s,
       .code = grpc::StatusCode::UNAVAILABLE,
       .message = std::regex("^provider azure: failed to get objectType:secret, "
                             "objectName:db-password, objectVersion:: managed identity token "
                             "\\(system-assigned\\) from IMDS http://127\\.0\\.0\\.1:[0-9]+: no "
                             "answer: .*Connection reset by peer \\(after 3 attempts\\)$")});
}

TEST(AzureOutage, ImdsSlowerThanTheDeadlineIsDeadlineExceededAndNotRemembered) {
  run_identity_outage({.kind = "imds",
                       .fault = FaultSpec::delay("", 20000, -1),
                       .deadline = 3s,
                       .code = grpc::StatusCode::DEADLINE_EXCEEDED,
                       .message = deadline_message()});
}

}  // namespace
}  // namespace sscsi::testing_support
