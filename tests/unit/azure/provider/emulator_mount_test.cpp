// The plugin's answers through the C ABI against the Azure emulator: share scope per identity,
// object version ids, the keyvault_request metric, tokens and challenges shared by concurrent
// and later mounts, token refresh after revocation and near expiry, deadlines and cancellation,
// and clouds other than the public one.

#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>
#include <vector>

#include "azure_plugin_harness.h"
#include "shared_emulator.h"
#include "unsigned_jwt.h"

namespace sscsi::azure_test {
namespace {

using testing_support::AzureEmulator;
using testing_support::FaultSpec;
using testing_support::JwtClaims;
using testing_support::unsigned_jwt;
using namespace std::chrono_literals;

constexpr const char* kVault = "kv-mount";
constexpr const char* kTenant = "tenant-mount";
constexpr const char* kWorkloadClient = "wi-mount";

class EmulatorMount : public ::testing::Test {
 protected:
  void SetUp() override {
    azure().reset();
    azure().register_workload_identity(kWorkloadClient, "system:serviceaccount:team-a:app",
                                       {kVault});
    azure().register_service_principal("sp-mount", "sp-mount-secret", {kVault});
  }

  static AzureEmulator& azure() { return shared_emulator(); }

  static MountInput input(const std::vector<std::string>& objects,
                          const std::map<std::string, std::string>& attributes = {}) {
    MountInput in;
    in.attributes = pod_attributes();
    in.attributes["keyvaultName"] = kVault;
    in.attributes["tenantID"] = kTenant;
    in.attributes["objects"] = objects_yaml(objects);
    for (const auto& [key, value] : attributes) in.attributes[key] = value;
    return in;
  }

  static MountInput workload(const std::vector<std::string>& objects) {
    JwtClaims claims;
    claims.audience = AzureEmulator::kWorkloadAudience;
    claims.subject = "system:serviceaccount:team-a:app";
    return input(
        objects,
        {{"clientID", kWorkloadClient},
         {"csi.storage.k8s.io/serviceAccount.tokens",
          service_account_tokens(AzureEmulator::kWorkloadAudience, unsigned_jwt(claims))}});
  }

  static MountInput service_principal(const std::vector<std::string>& objects) {
    MountInput in = input(objects);
    in.secrets_json = R"({"clientid":"sp-mount","clientsecret":"sp-mount-secret"})";
    return in;
  }
};

void expect_ok(const MountAnswer& answer) {
  ASSERT_FALSE(answer.error.has_value()) << answer.error->message;
  EXPECT_FALSE(answer.duplicate);
}

TEST_F(EmulatorMount, EachIdentityDeclaresHowWidelyItsAnswerMayBeShared) {
  azure().register_system_assigned_identity({kVault});
  azure().register_pod_identity("team-a", "pod-a", "pod-identity-mount", {kVault});
  azure().create_secret(kVault, "s1", "shared?");
  FakeHost host;
  const AzureInstance plugin(host, emulator_config(azure()));
  const std::vector<std::string> objects = {"objectName: s1\nobjectType: secret"};

  const MountAnswer wi = plugin.mount(workload(objects));
  expect_ok(wi);
  EXPECT_EQ(wi.share_scope, SSCSI_SHARE_NAMESPACE_SERVICE_ACCOUNT);
  const MountAnswer sp = plugin.mount(service_principal(objects));
  expect_ok(sp);
  EXPECT_EQ(sp.share_scope, SSCSI_SHARE_SAME_SECRETS);
  const MountAnswer vm = plugin.mount(input(objects, {{"useVMManagedIdentity", "true"}}));
  expect_ok(vm);
  EXPECT_EQ(vm.share_scope, SSCSI_SHARE_NODE);
  const MountAnswer pod = plugin.mount(input(objects, {{"usePodIdentity", "true"}}));
  expect_ok(pod);
  EXPECT_EQ(pod.share_scope, SSCSI_SHARE_NEVER);
  for (const MountAnswer* answer : {&wi, &sp, &vm, &pod}) {
    EXPECT_EQ(answer->files.at("s1").bytes, "shared?");
  }
}

TEST_F(EmulatorMount, ObjectVersionIdsFollowUpstreamAndAppearOncePerObject) {
  const std::string v1 = azure().create_secret(kVault, "s1", "one");
  const std::string h_old = azure().create_secret(kVault, "h", "old");
  const std::string h_new = azure().create_secret(kVault, "h", "new");
  FakeHost host;
  const AzureInstance plugin(host, emulator_config(azure()));
  MountInput in =
      workload({"objectName: s1\nobjectType: secret\nobjectAlias: a",
                "objectName: s1\nobjectType: secret\nobjectAlias: b\nfilePermission: 0400",
                "objectName: h\nobjectType: secret\nobjectVersionHistory: 2",
                "objectName: h\nobjectType: secret\nobjectAlias: pinned\nobjectVersion: " + h_old});
  in.default_file_mode = 0640;
  const MountAnswer answer = plugin.mount(in);
  expect_ok(answer);
  // Two aliases of one object: two files, one id (upstream repeats the id; the host wants it once).
  EXPECT_EQ(answer.versions.size(), 4u);
  EXPECT_EQ(answer.versions.at("secret/h"), h_old) << "an explicit objectVersion";
  EXPECT_EQ(answer.files.at("pinned").bytes, "old");
  EXPECT_EQ(answer.versions.at("secret/s1"), v1);
  EXPECT_EQ(answer.versions.at("secret/h/0"), h_new);
  EXPECT_NE(answer.versions.at("secret/h/1"), h_new);
  EXPECT_EQ(answer.files.at("a").mode, 0640u);
  EXPECT_EQ(answer.files.at("b").mode, 0400u);
  EXPECT_EQ(answer.files.at("h/0").bytes, "new");
  EXPECT_EQ(answer.files.at("h/1").bytes, "old");
}

TEST_F(EmulatorMount, KeyAndCertificateHistoriesListTheirOwnVersions) {
  azure().create_key(kVault, "k", "EC", {{"crv", "P-256"}});
  const testing_support::KeyMaterial newest_key = azure().create_key(kVault, "k", "RSA");
  azure().create_certificate(kVault, "c");
  const testing_support::CertificateMaterial newest_cert = azure().create_certificate(kVault, "c");
  FakeHost host;
  const AzureInstance plugin(host, emulator_config(azure()));
  const MountAnswer answer =
      plugin.mount(workload({"objectName: k\nobjectType: key\nobjectVersionHistory: 5",
                             "objectName: c\nobjectType: cert\nobjectVersionHistory: 5"}));
  expect_ok(answer);
  EXPECT_EQ(answer.files.size(), 4u);
  EXPECT_EQ(answer.versions.at("key/k/0"), newest_key.version);
  EXPECT_EQ(answer.versions.at("cert/c/0"), newest_cert.version);
  EXPECT_EQ(answer.versions.count("key/k/1"), 1u);
  EXPECT_EQ(answer.versions.count("cert/c/1"), 1u);
  EXPECT_EQ(answer.files.at("k/0").bytes.rfind("-----BEGIN PUBLIC KEY-----", 0), 0u);
  EXPECT_EQ(answer.files.at("c/0").bytes, newest_cert.certificate_pem);
}

TEST_F(EmulatorMount, EveryFetchAndListIsMeteredWithUpstreamLabels) {
  azure().create_secret(kVault, "s1", "metered");
  azure().create_secret(kVault, "h", "v1");
  azure().create_secret(kVault, "h", "v2");
  FakeHost host;
  const AzureInstance plugin(host, emulator_config(azure()));
  expect_ok(plugin.mount(workload({"objectName: s1\nobjectType: secret",
                                   "objectName: h\nobjectType: secret\nobjectVersionHistory: 2"})));
  const MountAnswer failed = plugin.mount(workload({"objectName: gone\nobjectType: secret"}));
  ASSERT_TRUE(failed.error.has_value());

  std::vector<std::vector<std::string>> labels;
  for (const auto& sample : host.samples()) {
    EXPECT_GE(sample.value, 0.0);
    labels.push_back(sample.labels);
  }
  const auto sample_for = [&](const std::string& name) {
    std::vector<std::vector<std::string>> found;
    for (const auto& l : labels) {
      if (l.at(1) == name) found.push_back(l);
    }
    return found;
  };
  const std::vector<std::string> tail = {"linux", "azure", "csi-secrets-store-provider-azure"};
  ASSERT_EQ(sample_for("s1").size(), 1u);
  EXPECT_EQ(sample_for("s1")[0],
            (std::vector<std::string>{"secret", "s1", "", tail[0], tail[1], tail[2]}));
  EXPECT_EQ(sample_for("h").size(), 3u) << "one list and two fetches";
  ASSERT_EQ(sample_for("gone").size(), 1u);
  EXPECT_EQ(sample_for("gone")[0][2].rfind("secret gone (latest version) not found in vault "
                                           "kv-mount.vault.azure.net: SecretNotFound",
                                           0),
            0u)
      << sample_for("gone")[0][2];
}

TEST_F(EmulatorMount, ConcurrentMountsOfOneServiceAccountShareOneTokenAndOneChallenge) {
  for (int i = 0; i < 4; ++i) {
    azure().create_secret(kVault, "s" + std::to_string(i), "value-" + std::to_string(i));
  }
  // Every Key Vault answer takes 100 ms, so the mounts overlap.
  FaultSpec slow = FaultSpec::delay("/secrets/", 100, -1);
  azure().add_fault(slow);
  FakeHost host;
  const AzureInstance plugin(host, emulator_config(azure()));
  const MountInput in =
      workload({"objectName: s0\nobjectType: secret", "objectName: s1\nobjectType: secret",
                "objectName: s2\nobjectType: secret", "objectName: s3\nobjectType: secret"});
  std::atomic<int> succeeded{0};
  {
    std::vector<std::jthread> mounts;
    for (int i = 0; i < 8; ++i) {
      mounts.emplace_back([&] {
        const MountAnswer answer = plugin.mount(in);
        if (!answer.error && answer.files.size() == 4 && answer.files.at("s3").bytes == "value-3") {
          ++succeeded;
        }
      });
    }
  }
  EXPECT_EQ(succeeded.load(), 8);
  EXPECT_EQ(azure().count("token").total, 1);
  EXPECT_EQ(azure().count("kv-401-challenge").total, 1);
  EXPECT_EQ(azure().count("kv-get").total, 32);
}

TEST_F(EmulatorMount, ARevokedTokenIsReplacedOnTheVaultsRefusal) {
  azure().create_secret(kVault, "s1", "still-readable");
  FakeHost host;
  const AzureInstance plugin(host, emulator_config(azure()));
  const MountInput in = workload({"objectName: s1\nobjectType: secret"});
  expect_ok(plugin.mount(in));
  azure().revoke_tokens();
  const MountAnswer again = plugin.mount(in);
  expect_ok(again);
  EXPECT_EQ(again.files.at("s1").bytes, "still-readable");
  EXPECT_EQ(azure().count("token").total, 2);
  EXPECT_EQ(azure().count("kv-401-challenge").total, 1) << "the refusal is not a new challenge";
}

TEST_F(EmulatorMount, ATokenCloseToItsExpiryIsNotReused) {
  azure().set_token_lifetime(4);  // reused for half its lifetime, then replaced
  azure().create_secret(kVault, "s1", "fresh");
  FakeHost host;
  const AzureInstance plugin(host, emulator_config(azure()));
  const MountInput in = service_principal({"objectName: s1\nobjectType: secret"});
  expect_ok(plugin.mount(in));
  expect_ok(plugin.mount(in));
  EXPECT_EQ(azure().count("token").total, 1);
  std::this_thread::sleep_for(2500ms);
  expect_ok(plugin.mount(in));
  EXPECT_EQ(azure().count("token").total, 2);
}

// What a mount stopped while waiting for Key Vault says (curl's reason follows in parentheses).
const std::string kStopped =
    "failed to get objectType:secret, objectName:s1, objectVersion:: secret s1 (latest version) "
    "from vault kv-mount.vault.azure.net: stopped: the call was cancelled or its deadline passed (";

TEST_F(EmulatorMount, TheMountsDeadlineStopsASlowVault) {
  azure().create_secret(kVault, "s1", "too-late");
  FaultSpec slow = FaultSpec::delay("/secrets/s1", 5000, -1);
  slow.kind = "kv-get";
  azure().add_fault(slow);
  FakeHost host;
  const AzureInstance plugin(host, emulator_config(azure()));
  MountInput in = workload({"objectName: s1\nobjectType: secret"});
  in.timeout = 1500ms;
  const auto started = std::chrono::steady_clock::now();
  const MountAnswer answer = plugin.mount(in);
  EXPECT_LT(std::chrono::steady_clock::now() - started, 4s);
  ASSERT_TRUE(answer.error.has_value());
  EXPECT_EQ(answer.error->code, SSCSI_DEADLINE_EXCEEDED) << answer.error->message;
  EXPECT_EQ(answer.error->message.rfind(kStopped, 0), 0u) << answer.error->message;
  EXPECT_TRUE(answer.files.empty());
}

TEST_F(EmulatorMount, TheHostCancellingTheCallStopsIt) {
  azure().create_secret(kVault, "s1", "never");
  FaultSpec slow = FaultSpec::delay("/secrets/s1", 5000, -1);
  slow.kind = "kv-get";
  azure().add_fault(slow);
  FakeHost host;
  const AzureInstance plugin(host, emulator_config(azure()));
  host.cancel_after_polls(5);
  const auto started = std::chrono::steady_clock::now();
  const MountAnswer answer = plugin.mount(workload({"objectName: s1\nobjectType: secret"}));
  EXPECT_LT(std::chrono::steady_clock::now() - started, 4s);
  ASSERT_TRUE(answer.error.has_value());
  EXPECT_EQ(answer.error->code, SSCSI_DEADLINE_EXCEEDED) << answer.error->message;
  EXPECT_GT(host.cancel_polls(), 5);
  EXPECT_EQ(answer.error->message.rfind(kStopped, 0), 0u) << answer.error->message;
}

// The certificates of a PFX-backed secret's PEM, from the first CERTIFICATE block on.
std::string certificates_of(const std::string& pem) {
  const std::size_t first = pem.find("-----BEGIN CERTIFICATE-----");
  return first == std::string::npos ? std::string() : pem.substr(first);
}

std::string joined(const std::vector<std::string>& pems) {
  std::string all;
  for (const std::string& pem : pems) all += pem;
  return all;
}

TEST_F(EmulatorMount, PfxChainsAreOrderedLeafToRootOnlyWhenAskedAndComplete) {
  testing_support::CertificateOptions root_first;
  root_first.issuer = testing_support::CertificateIssuer::chain;
  root_first.root_first = true;
  const auto full = azure().create_certificate(kVault, "full", root_first);
  testing_support::CertificateOptions no_intermediate;
  no_intermediate.issuer = testing_support::CertificateIssuer::chain;
  no_intermediate.include_intermediate = false;
  const auto partial = azure().create_certificate(kVault, "partial", no_intermediate);
  ASSERT_EQ(full.chain_pem.size(), 2u);
  ASSERT_EQ(partial.chain_pem.size(), 1u);
  const std::vector<std::string> objects = {"objectName: full\nobjectType: secret",
                                            "objectName: partial\nobjectType: secret"};

  FakeHost ordering_host;
  const AzureInstance ordering(ordering_host, emulator_config(azure()));
  const MountAnswer ordered = ordering.mount(workload(objects));
  expect_ok(ordered);
  // Stored leaf, root, intermediate: written leaf, intermediate, root.
  EXPECT_EQ(certificates_of(ordered.files.at("full").bytes),
            full.certificate_pem + full.chain_pem[1] + full.chain_pem[0]);
  // An incomplete chain is written as stored, with a warning (upstream since v1.7.0).
  EXPECT_EQ(certificates_of(ordered.files.at("partial").bytes),
            partial.certificate_pem + joined(partial.chain_pem));
  int warnings = 0;
  for (const auto& line : ordering_host.logs()) {
    if (line.level == SSCSI_LOG_WARN &&
        line.message.find("certificate chain is not complete due to missing "
                          "intermediate/root certificates in the cert from key vault") !=
            std::string::npos) {
      ++warnings;
    }
  }
  EXPECT_EQ(warnings, 1);

  FakeHost stored_host;
  nlohmann::json config = emulator_config(azure());
  config["constructPemChain"] = false;
  const AzureInstance stored(stored_host, config);
  const MountAnswer as_stored = stored.mount(workload(objects));
  expect_ok(as_stored);
  EXPECT_EQ(certificates_of(as_stored.files.at("full").bytes),
            full.certificate_pem + joined(full.chain_pem));
}

TEST_F(EmulatorMount, AFailedChallengeOrTokenIsNotRememberedForLaterMounts) {
  azure().create_secret(kVault, "s1", "eventually");
  FakeHost host;
  const AzureInstance plugin(host, emulator_config(azure()));
  const MountInput in = workload({"objectName: s1\nobjectType: secret"});
  // The first mount's challenge names a foreign resource: refused.
  azure().configure_vault(kVault, {{"challengeResource", "https://vault.elsewhere.example"}});
  const MountAnswer refused = plugin.mount(in);
  ASSERT_TRUE(refused.error.has_value());
  EXPECT_EQ(refused.error->code, SSCSI_UNAUTHORIZED);
  // The next one's token request fails: the identity has no federated credential any more.
  azure().configure_vault(kVault, {{"challengeResource", ""}});
  azure().reset();
  azure().create_secret(kVault, "s1", "eventually");
  const MountAnswer no_token = plugin.mount(in);
  ASSERT_TRUE(no_token.error.has_value());
  EXPECT_EQ(no_token.error->code, SSCSI_UNAUTHORIZED) << no_token.error->message;
  // Once both are fixed, the same instance mounts at once.
  azure().register_workload_identity(kWorkloadClient, "system:serviceaccount:team-a:app", {kVault});
  const auto started = std::chrono::steady_clock::now();
  const MountAnswer mounted = plugin.mount(in);
  expect_ok(mounted);
  EXPECT_LT(std::chrono::steady_clock::now() - started, 5s);
  EXPECT_EQ(mounted.files.at("s1").bytes, "eventually");
}

TEST_F(EmulatorMount, AVersionHistoryThatSelectsNothingIsSkippedNextToOtherObjects) {
  azure().create_secret(kVault, "s1", "present");
  azure().create_secret(kVault, "h", "only-version");
  FakeHost host;
  const AzureInstance plugin(host, emulator_config(azure()));
  // Upstream: a start version that is not among the versions selects nothing, silently.
  const std::string history =
      "objectName: h\nobjectType: secret\nobjectVersionHistory: 2\nobjectVersion: "
      "ffffffffffffffffffffffffffffffff";
  const MountAnswer next_to_others =
      plugin.mount(workload({"objectName: s1\nobjectType: secret", history}));
  expect_ok(next_to_others);
  EXPECT_EQ(next_to_others.files.size(), 1u);
  EXPECT_EQ(next_to_others.versions.size(), 1u);

  // Alone it would leave an empty answer, which the host cannot record: a clear error instead.
  const MountAnswer alone = plugin.mount(workload({history}));
  ASSERT_TRUE(alone.error.has_value()) << "an empty answer breaks the ABI contract";
  EXPECT_EQ(alone.error->code, SSCSI_NOT_FOUND);
  EXPECT_EQ(alone.error->message,
            "nothing to mount from vault kv-mount.vault.azure.net: secret h has no enabled version "
            "from objectVersion ffffffffffffffffffffffffffffffff");
  EXPECT_TRUE(alone.files.empty());
}

TEST_F(EmulatorMount, AzureStackCloudFromItsEnvironmentFile) {
  const std::string stack = AzureEmulator::kStackSuffix;
  azure().create_secret(kVault, "s1", "from-the-stack", {{"dnsSuffix", stack}});
  azure().grant("sp-mount", kVault, stack);
  std::string dir_template =
      (std::filesystem::temp_directory_path() / "sscsi-azure-stack-XXXXXX").string();
  ASSERT_NE(::mkdtemp(dir_template.data()), nullptr);
  const std::filesystem::path dir = dir_template;
  const std::filesystem::path env_file = dir / "stack.json";
  std::ofstream(env_file) << nlohmann::json{
      {"name", "AzureStackCloud"},
      {"activeDirectoryEndpoint", "https://login.stack.test/"},
      {"keyVaultEndpoint", "https://vault.stack.test/"},
      {"keyVaultDNSSuffix",
       stack}}.dump();
  MountInput in = service_principal({"objectName: s1\nobjectType: secret"});
  in.attributes["cloudName"] = "azurestackcloud";
  in.attributes["cloudEnvFileName"] = env_file.string();
  // The default configuration allows /etc/kubernetes only: the file is refused unopened.
  FakeHost default_host;
  const AzureInstance by_default(default_host, emulator_config(azure()));
  const MountAnswer refused = by_default.mount(in);
  FakeHost host;
  nlohmann::json config = emulator_config(azure());
  config["allowedCloudEnvDirs"] = {dir.string()};
  const AzureInstance plugin(host, config);
  const MountAnswer answer = plugin.mount(in);
  std::filesystem::remove_all(dir);
  ASSERT_TRUE(refused.error.has_value());
  EXPECT_EQ(refused.error->code, SSCSI_INVALID_PARAMETERS);
  EXPECT_EQ(refused.error->message,
            "cloudName azurestackcloud is not valid, error: cloudEnvFileName \"" +
                env_file.string() +
                "\" is outside the directories the azure plugin may read cloud files from "
                "(allowedCloudEnvDirs in its configuration: /etc/kubernetes)");
  expect_ok(answer);
  EXPECT_EQ(answer.files.at("s1").bytes, "from-the-stack");
  bool stack_token = false;
  for (const auto& request : azure().requests()) {
    stack_token = stack_token || (request.kind == "token" && request.host == "login.stack.test");
  }
  EXPECT_TRUE(stack_token);
}

TEST_F(EmulatorMount, TheConfiguredDefaultCloudServesClassesThatNameNone) {
  const std::string china = "vault.azure.cn";
  azure().create_secret(kVault, "s1", "from-china", {{"dnsSuffix", china}});
  azure().grant("sp-mount", kVault, china);
  FakeHost host;
  nlohmann::json config = emulator_config(azure());
  config["cloudName"] = "AzureChinaCloud";
  const AzureInstance plugin(host, config);
  const MountAnswer answer =
      plugin.mount(service_principal({"objectName: s1\nobjectType: secret"}));
  expect_ok(answer);
  EXPECT_EQ(answer.files.at("s1").bytes, "from-china");
  bool china_token = false;
  for (const auto& request : azure().requests()) {
    china_token =
        china_token || (request.kind == "token" && request.host == "login.chinacloudapi.cn");
  }
  EXPECT_TRUE(china_token);
}

}  // namespace
}  // namespace sscsi::azure_test
