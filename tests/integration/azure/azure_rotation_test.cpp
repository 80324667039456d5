// Rotation with the Azure plugin: a secret rotated in the emulator reaches the pod's file through
// the host's own refresh (--enable-secret-rotation, no kubelet republish needed), and a refresh
// that fails keeps the content the pod already has.

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>

#include "azure_host.h"
#include "volume_files.h"

namespace sscsi::testing_support {
namespace {

using namespace std::chrono_literals;

const std::string kObjects =
    azure_objects_yaml({{{"objectName", "db-password"}, {"objectType", "secret"}}});

AzureHostSetup rotating_host() {
  AzureHostSetup setup;
  setup.extra_args = {"--enable-secret-rotation", "--rotation-poll-interval", "2s"};
  // One attempt per request: a failing refresh fails at once.
  setup.plugin_config = {{"maxRetries", 0}};
  return setup;
}

std::string content(const std::filesystem::path& target) {
  const auto files = read_volume(target);
  const auto file = files.find("db-password");
  return file == files.end() ? std::string() : file->second.content;
}

bool wait_for_content(const std::filesystem::path& target, const std::string& wanted,
                      std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (content(target) == wanted) return true;
    std::this_thread::sleep_for(100ms);
  }
  return content(target) == wanted;
}

TEST(AzureRotation, ASecretRotatedInKeyVaultReachesThePodFile) {
  AzureHost env(rotating_host());
  env.azure().register_workload_identity(kWorkloadClientId, kWorkloadSubject, {kVault},
                                         AzureEmulator::kWorkloadAudience, kTenant);
  env.azure().create_secret(kVault, "db-password", "before-rotation");
  const auto target = env.host().kubelet_target("pod-rot");
  ASSERT_TRUE(env.publish("rot", AzureHost::workload_parameters(kObjects), "pod-rot", target).ok())
      << env.host().log();
  ASSERT_EQ(content(target), "before-rotation");

  env.azure().rotate(kVault, "secret", "db-password", {{"value", "after-rotation"}});
  EXPECT_TRUE(wait_for_content(target, "after-rotation", 20s))
      << "still " << content(target) << "\n"
      << env.host().log();
  // The same mount: the kubelet's republish keeps the rotated content.
  EXPECT_TRUE(env.publish("rot", AzureHost::workload_parameters(kObjects), "pod-rot", target).ok());
  EXPECT_EQ(content(target), "after-rotation");
}

TEST(AzureRotation, AFailedRefreshKeepsTheOldContent) {
  AzureHost env(rotating_host());
  env.azure().register_workload_identity(kWorkloadClientId, kWorkloadSubject, {kVault},
                                         AzureEmulator::kWorkloadAudience, kTenant);
  env.azure().create_secret(kVault, "db-password", "kept-content");
  const auto target = env.host().kubelet_target("pod-keep");
  ASSERT_TRUE(
      env.publish("keep", AzureHost::workload_parameters(kObjects), "pod-keep", target).ok())
      << env.host().log();

  FaultSpec outage = FaultSpec::answer("/secrets/db-password", 500, -1);
  outage.kind = "kv-get";
  env.azure().add_fault(outage);
  env.azure().rotate(kVault, "secret", "db-password", {{"value", "never-seen"}});
  const std::string failure =
      "refresh of " + target.string() + " failed, keeping the current content";
  EXPECT_TRUE(env.host().wait_for_log(failure, 20s)) << env.host().log();
  EXPECT_NE(env.host().log().find("(HTTP 500)"), std::string::npos) << env.host().log();
  EXPECT_EQ(content(target), "kept-content");
  // A republish does not fail the pod either (the kubelet would tear the volume down).
  EXPECT_TRUE(
      env.publish("keep", AzureHost::workload_parameters(kObjects), "pod-keep", target).ok());
  EXPECT_EQ(content(target), "kept-content");

  // Once Key Vault answers again, the next refresh brings the rotated value.
  env.azure().clear_faults();
  EXPECT_TRUE(wait_for_content(target, "never-seen", 30s)) << env.host().log();
}

}  // namespace
}  // namespace sscsi::testing_support
