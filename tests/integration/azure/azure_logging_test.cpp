// No token or secret value in any log line: the host at -v 5 with the Azure plugin mounts,
// refreshes and fails with every kind of secret material in play, and neither the host's log,
// its state directory nor the emulator's request log holds any of it.

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <regex>
#include <string>
#include <thread>

#include "azure_host.h"
#include "unsigned_jwt.h"
#include "volume_files.h"

namespace sscsi::testing_support {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

std::string state_dir_text(const fs::path& dir) {
  std::string all;
  for (const fs::directory_entry& entry : fs::recursive_directory_iterator(dir)) {
    if (entry.is_regular_file()) all += read_text(entry.path());
  }
  return all;
}

TEST(AzureLogging, NoTokenOrSecretValueReachesAnyLogAtVerbosityFive) {
  AzureHostSetup setup;
  setup.extra_args = {"-v", "5", "--enable-secret-rotation", "--rotation-poll-interval", "1s"};
  AzureHost env(setup);
  AzureEmulator& azure = env.azure();

  const std::string secret_value = "planted-secret-4b8e1d";
  const std::string rotated_value = "planted-rotated-9a7c3f";
  const std::string client_secret = "planted-client-secret-5e2a";
  const std::string other_secret = "planted-wrong-secret-0c6d";
  const std::string tokens = AzureHost::service_account_tokens();
  const std::string assertion =
      nlohmann::json::parse(tokens)[AzureEmulator::kWorkloadAudience]["token"].get<std::string>();
  azure.register_workload_identity(kWorkloadClientId, kWorkloadSubject, {kVault},
                                   AzureEmulator::kWorkloadAudience, kTenant);
  azure.register_service_principal("sp-logging", client_secret, {kVault});
  azure.create_secret(kVault, "db-password", secret_value);
  const CertificateMaterial cert = azure.create_certificate(kVault, "tls");
  const std::string objects =
      azure_objects_yaml({{{"objectName", "db-password"}, {"objectType", "secret"}},
                          {{"objectName", "tls"}, {"objectType", "secret"}}});

  // Workload identity: mount, then a rotation the host's scheduler picks up.
  const auto wi_target = env.host().kubelet_target("pod-wi-log");
  ASSERT_TRUE(env.publish("wi-log", AzureHost::workload_parameters(objects), "pod-wi-log",
                          wi_target, AzurePodOptions{.tokens = tokens})
                  .ok())
      << env.host().log();
  azure.rotate(kVault, "secret", "db-password", {{"value", rotated_value}});
  const auto deadline = std::chrono::steady_clock::now() + 20s;
  while (read_volume(wi_target).at("db-password").content != rotated_value &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(100ms);
  }
  EXPECT_EQ(read_volume(wi_target).at("db-password").content, rotated_value);

  // Service principal: a mount, and one refused for a wrong client secret.
  const auto params = vault_parameters(objects);
  ASSERT_TRUE(env.publish("sp-log", params, "pod-sp-log", env.host().kubelet_target("pod-sp-log"),
                          AzurePodOptions{.secrets = {{"clientid", "sp-logging"},
                                                      {"clientsecret", client_secret}}})
                  .ok())
      << env.host().log();
  EXPECT_FALSE(env.publish("sp-bad", params, "pod-sp-bad", env.host().kubelet_target("pod-sp-bad"),
                           AzurePodOptions{.secrets = {{"clientid", "sp-logging"},
                                                       {"clientsecret", other_secret}}})
                   .ok());
  // A mount whose parameters are wrong after the token was read.
  auto broken = AzureHost::workload_parameters("array: [\"" + secret_value + "\"");
  EXPECT_FALSE(env.publish("broken", broken, "pod-broken", env.host().kubelet_target("pod-broken"),
                           AzurePodOptions{.tokens = tokens})
                   .ok());

  env.host().stop();
  const std::string host_log = env.host().log() + env.host().out();
  const std::string emulator_log = read_text(azure.log_file());
  const std::string state = state_dir_text(env.host().state_dir());
  ASSERT_NE(host_log.find("mounted"), std::string::npos) << "the host log is not the one expected";
  const std::vector<std::pair<std::string, std::string>> planted = {
      {"secret value", secret_value},
      {"rotated secret value", rotated_value},
      {"client secret", client_secret},
      {"wrong client secret", other_secret},
      {"service-account token", assertion},
      {"certificate's secret (PFX)", cert.secret_value.substr(0, 40)},
      {"private key", cert.private_key_pem.substr(28, 40)}};
  for (const auto& [what, value] : planted) {
    EXPECT_EQ(host_log.find(value), std::string::npos) << "the host logged the " << what;
    EXPECT_EQ(emulator_log.find(value), std::string::npos) << "the emulator logged the " << what;
    EXPECT_EQ(state.find(value), std::string::npos) << "the state directory holds the " << what;
  }
  // Access tokens are JWTs the plugin never shows: nothing JWT-shaped may appear anywhere.
  const std::regex jwt(R"(eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,})");
  for (const auto& [name, text] : {std::pair<std::string, const std::string&>{"host log", host_log},
                                   {"emulator log", emulator_log},
                                   {"state directory", state}}) {
    std::smatch found;
    EXPECT_FALSE(std::regex_search(text, found, jwt)) << name << " holds a JWT: " << found.str();
  }
}

}  // namespace
}  // namespace sscsi::testing_support
