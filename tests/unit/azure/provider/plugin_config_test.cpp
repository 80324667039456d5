// The plugin's handshake and its configuration (create's config_json, from the host's
// --plugin-config azure=FILE), through the C ABI: every bad configuration is refused by create
// with SSCSI_INVALID_PARAMETERS and a message naming the key and the problem.

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <ostream>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "azure_plugin_harness.h"
#include "fifo_watchdog.h"

namespace sscsi::azure_test {
namespace {

struct BadConfig {
  std::string name;
  std::string config;
  std::string message;
};

void PrintTo(const BadConfig& bad, std::ostream* out) { *out << bad.name; }

const std::vector<BadConfig>& bad_configs() {
  static const std::vector<BadConfig> all = {
      {"NotJson", "{",
       "azure plugin config is not valid JSON: [json.exception.parse_error.101] parse error at "
       "line 1, column 2: syntax error while parsing object key - unexpected end of input; "
       "expected string literal"},
      {"NumberOutOfRange", R"({"maxRetries": 1e400})",
       "azure plugin config is not valid JSON: [json.exception.out_of_range.406] number overflow "
       "parsing '1e400'"},
      {"NotAnObject", "[]", "azure plugin config must be a JSON object"},
      {"UnknownKey", R"({"cloudname": "AzurePublicCloud"})",
       "azure plugin config: unknown key \"cloudname\""},
      {"CloudNameNotAString", R"({"cloudName": 5})",
       "azure plugin config: \"cloudName\" must be a string"},
      {"CloudNameUnknown", R"({"cloudName": "Mars"})",
       "azure plugin config: \"cloudName\" must be AzurePublicCloud, AzureUSGovernmentCloud, "
       "AzureChinaCloud, AzureGermanCloud or AzureStackCloud, not \"Mars\""},
      {"ConstructPemChainNotABool", R"({"constructPemChain": "yes"})",
       "azure plugin config: \"constructPemChain\" must be true or false"},
      {"SeparateFilesNotABool", R"({"writeCertAndKeyInSeparateFiles": 1})",
       "azure plugin config: \"writeCertAndKeyInSeparateFiles\" must be true or false"},
      {"CaFileRelative", R"({"caFile": "ca.pem"})",
       "azure plugin config: \"caFile\" must be an absolute path"},
      {"CaFileMissing", R"({"caFile": "/nonexistent/sscsi-ca.pem"})",
       "azure plugin config: \"caFile\" cannot be opened: /nonexistent/sscsi-ca.pem: No such file "
       "or directory"},
      {"CaFileIsADirectory", R"({"caFile": "/"})",
       "azure plugin config: \"caFile\" is not a regular file: /"},
      {"ConnectToNotAList", R"({"connectTo": "::127.0.0.1:8443"})",
       "azure plugin config: \"connectTo\" must be a list of strings"},
      {"ConnectToEntryMalformed", R"({"connectTo": ["localhost"]})",
       "azure plugin config: \"connectTo\" entry \"localhost\" is not HOST:PORT:TO_HOST:TO_PORT "
       "(HOST and PORT may be empty)"},
      {"ConnectToEntryWithoutTargetPort", R"({"connectTo": [":443:127.0.0.1:"]})",
       "azure plugin config: \"connectTo\" entry \":443:127.0.0.1:\" is not "
       "HOST:PORT:TO_HOST:TO_PORT (HOST and PORT may be empty)"},
      {"ConnectToEntryNotAString", R"({"connectTo": [443]})",
       "azure plugin config: \"connectTo\" must be a string"},
      {"ImdsEndpointFtp", R"({"imdsEndpoint": "ftp://169.254.169.254"})",
       "azure plugin config: \"imdsEndpoint\" must be an http or https:// URL, got "
       "\"ftp://169.254.169.254\""},
      {"NmiEndpointWithQuery", R"({"nmiEndpoint": "http://localhost:2579/?x=1"})",
       "azure plugin config: \"nmiEndpoint\" must be a plain URL without query, fragment or user "
       "info, got \"http://localhost:2579/?x=1\""},
      {"TokenProxyPlainHttp", R"({"tokenProxyUrl": "http://kubernetes.default.svc"})",
       "azure plugin config: \"tokenProxyUrl\" must be an https:// URL, got "
       "\"http://kubernetes.default.svc\""},
      {"MaxRetriesTooMany", R"({"maxRetries": 11})",
       "azure plugin config: \"maxRetries\" must be between 0 and 10, not 11"},
      {"MaxRetriesAsText", R"({"maxRetries": "3"})",
       "azure plugin config: \"maxRetries\" must be an integer"},
      {"MaxRetriesBeyondInt64", R"({"maxRetries": 18446744073709551615})",
       "azure plugin config: \"maxRetries\" must be between 0 and 10, not 18446744073709551615"},
      {"ConnectTimeoutTooShort", R"({"connectTimeoutMs": 50})",
       "azure plugin config: \"connectTimeoutMs\" must be between 100 and 300000, not 50"},
      {"RequestTimeoutFractional", R"({"requestTimeoutMs": 1500.5})",
       "azure plugin config: \"requestTimeoutMs\" must be an integer"},
      {"MaxRetryAfterNegative", R"({"maxRetryAfterMs": -1})",
       "azure plugin config: \"maxRetryAfterMs\" must be between 0 and 600000, not -1"},
      {"NoParallelFetches", R"({"maxParallelFetches": 0})",
       "azure plugin config: \"maxParallelFetches\" must be between 1 and 64, not 0"},
      {"AllowedCloudEnvDirsNotAList", R"({"allowedCloudEnvDirs": "/etc/kubernetes"})",
       "azure plugin config: \"allowedCloudEnvDirs\" must be a list of absolute directory paths"},
      {"AllowedCloudEnvDirsEntryNotAString", R"({"allowedCloudEnvDirs": ["/etc/kubernetes", 7]})",
       "azure plugin config: \"allowedCloudEnvDirs\" entry 1 must be a string"},
      {"AllowedCloudEnvDirsEntryRelative", R"({"allowedCloudEnvDirs": ["etc/kubernetes"]})",
       "azure plugin config: \"allowedCloudEnvDirs\" entry 0 \"etc/kubernetes\" is not an "
       "absolute path"},
      {"AllowedCloudEnvDirsEntryEmpty", R"({"allowedCloudEnvDirs": [""]})",
       "azure plugin config: \"allowedCloudEnvDirs\" entry 0 \"\" is not an absolute path"},
      {"AllowedCloudEnvDirsEntryWithDotDot",
       R"({"allowedCloudEnvDirs": ["/etc/kubernetes/../.."]})",
       "azure plugin config: \"allowedCloudEnvDirs\" entry 0 \"/etc/kubernetes/../..\" is not a "
       "clean path (no \".\", \"..\" or empty elements)"},
      {"AllowedCloudEnvDirsEntryWithEmptyElement",
       R"({"allowedCloudEnvDirs": ["/etc//kubernetes"]})",
       "azure plugin config: \"allowedCloudEnvDirs\" entry 0 \"/etc//kubernetes\" is not a "
       "clean path (no \".\", \"..\" or empty elements)"},
      {"AllowedCloudEnvDirsEntryWithNul", R"({"allowedCloudEnvDirs": ["/etc/kubernetes\u0000/x"]})",
       "azure plugin config: \"allowedCloudEnvDirs\" entry 0 contains a NUL byte"},
  };
  return all;
}

class BadPluginConfig : public ::testing::TestWithParam<BadConfig> {};

TEST_P(BadPluginConfig, CreateRefusesItNamingTheKey) {
  FakeHost host;
  const BadConfig& bad = GetParam();
  const CreateOutcome outcome = create_instance(host.api(), bad.config);
  EXPECT_EQ(outcome.status, SSCSI_INVALID_PARAMETERS);
  EXPECT_EQ(outcome.error, bad.message);
  if (outcome.status == SSCSI_OK) AzurePlugin::get().table().destroy(outcome.instance);
}

INSTANTIATE_TEST_SUITE_P(AzurePlugin, BadPluginConfig, ::testing::ValuesIn(bad_configs()),
                         [](const ::testing::TestParamInfo<BadConfig>& param_info) {
                           return param_info.param.name;
                         });

// The CA bundle decides which servers get tokens: one that others may change is refused.
TEST(AzurePluginCreate, CaFileOthersMayChangeIsRefused) {
  char pattern[] = "/tmp/sscsi-azure-config-XXXXXX";
  ASSERT_NE(::mkdtemp(pattern), nullptr);
  const std::string ca = std::string(pattern) + "/ca.pem";
  std::filesystem::copy_file("/etc/ssl/certs/ca-certificates.crt", ca);  // a real bundle
  const auto create_with_ca = [&] {
    FakeHost host;
    CreateOutcome outcome = create_instance(host.api(), nlohmann::json{{"caFile", ca}}.dump());
    if (outcome.status == SSCSI_OK) AzurePlugin::get().table().destroy(outcome.instance);
    return outcome;
  };
  ASSERT_EQ(::chmod(ca.c_str(), 0664), 0);
  CreateOutcome outcome = create_with_ca();
  EXPECT_EQ(outcome.status, SSCSI_INVALID_PARAMETERS);
  EXPECT_EQ(outcome.error, "azure plugin config: \"caFile\" " + ca +
                               " may be changed by others (mode 0664); chmod go-w it");
  ASSERT_EQ(::chmod(ca.c_str(), 0602), 0);
  EXPECT_EQ(create_with_ca().error, "azure plugin config: \"caFile\" " + ca +
                                        " may be changed by others (mode 0602); chmod go-w it");
  ASSERT_EQ(::chmod(ca.c_str(), 0644), 0);
  if (::geteuid() == 0) {  // only root can give a file away
    ASSERT_EQ(::chown(ca.c_str(), 4321, 4321), 0);
    EXPECT_EQ(create_with_ca().error,
              "azure plugin config: \"caFile\" " + ca +
                  " is owned by uid 4321; it must be owned by root or by sscsi-host's user");
    ASSERT_EQ(::chown(ca.c_str(), 0, 0), 0);
  }
  outcome = create_with_ca();
  EXPECT_EQ(outcome.status, SSCSI_OK) << outcome.error;
  std::filesystem::remove_all(pattern);
}

// A FIFO as caFile must not hang create (and with it the host's start-up).
TEST(AzurePluginCreate, CaFileThatIsAFifoIsRefusedWithoutWaiting) {
  char pattern[] = "/tmp/sscsi-azure-config-XXXXXX";
  ASSERT_NE(::mkdtemp(pattern), nullptr);
  const std::string dir = pattern;
  {
    const FifoWatchdog fifo(dir + "/ca.pem");
    FakeHost host;
    CreateOutcome outcome;
    EXPECT_TRUE(fifo.returns_by_itself(std::chrono::seconds(5), [&] {
      outcome = create_instance(host.api(), nlohmann::json{{"caFile", fifo.path()}}.dump());
    })) << "create waited for a writer on the FIFO";
    EXPECT_EQ(outcome.status, SSCSI_INVALID_PARAMETERS);
    EXPECT_EQ(outcome.error,
              "azure plugin config: \"caFile\" is not a regular file: " + fifo.path());
    if (outcome.status == SSCSI_OK) AzurePlugin::get().table().destroy(outcome.instance);
  }
  std::filesystem::remove_all(dir);
}

TEST(AzurePluginHandshake, NamesItselfAzureAndServesAnyMinorOfItsMajor) {
  const AzurePlugin& plugin = AzurePlugin::get();
  const sscsi_provider& table = plugin.table();
  EXPECT_STREQ(table.name, "azure");
  EXPECT_GT(std::strlen(table.version), 0u);
  EXPECT_EQ(table.abi_major, static_cast<std::uint32_t>(SSCSI_ABI_MAJOR));
  EXPECT_EQ(table.struct_size, sizeof(sscsi_provider));
  EXPECT_NE(plugin.entry(SSCSI_ABI_MAJOR, SSCSI_ABI_MINOR + 5), nullptr);
  EXPECT_EQ(plugin.entry(SSCSI_ABI_MAJOR + 1, 0), nullptr);
}

TEST(AzurePluginHandshake, PublishesItsConfigurationSchemaWithEveryKey) {
  const sscsi_provider& table = AzurePlugin::get().table();
  ASSERT_NE(table.config_schema, nullptr);
  const nlohmann::json schema = nlohmann::json::parse(table.config_schema());
  EXPECT_EQ(schema["additionalProperties"], false);
  std::set<std::string> keys;
  for (const auto& [key, value] : schema["properties"].items()) keys.insert(key);
  EXPECT_EQ(keys, (std::set<std::string>{
                      "cloudName", "constructPemChain", "writeCertAndKeyInSeparateFiles", "caFile",
                      "connectTo", "imdsEndpoint", "nmiEndpoint", "tokenProxyUrl",
                      "connectTimeoutMs", "requestTimeoutMs", "maxRetries", "maxRetryAfterMs",
                      "maxParallelFetches", "allowedCloudEnvDirs"}));
  EXPECT_EQ(schema["properties"]["allowedCloudEnvDirs"]["default"],
            nlohmann::json::array({"/etc/kubernetes"}));
}

TEST(AzurePluginCreate, AcceptsEveryKeyWithAGoodValueAndDefinesTheKeyVaultMetric) {
  FakeHost host;
  const nlohmann::json config = {
      {"cloudName", "azurechinacloud"},
      {"constructPemChain", false},
      {"writeCertAndKeyInSeparateFiles", true},
      {"connectTo", {"::127.0.0.1:1", "login.microsoftonline.com:443:[::1]:8443"}},
      {"imdsEndpoint", "http://169.254.169.254/"},
      {"nmiEndpoint", "http://localhost:2579"},
      {"tokenProxyUrl", "https://kubernetes.default.svc.cluster.local"},
      {"connectTimeoutMs", 100},
      {"requestTimeoutMs", 600000},
      {"maxRetries", 0},
      {"maxRetryAfterMs", 0},
      {"maxParallelFetches", 64},
      {"allowedCloudEnvDirs", {"/etc/kubernetes/", "/opt/azure-stack", "/"}}};
  const CreateOutcome outcome = create_instance(host.api(), config.dump());
  ASSERT_EQ(outcome.status, SSCSI_OK) << outcome.error;
  AzurePlugin::get().table().destroy(outcome.instance);
  const auto definitions = host.definitions();
  ASSERT_EQ(definitions.size(), 1u);
  EXPECT_EQ(definitions[0].name, "keyvault_request");
  EXPECT_EQ(definitions[0].kind, SSCSI_METRIC_HISTOGRAM);
  EXPECT_EQ(definitions[0].labels,
            (std::vector<std::string>{"object_type", "object_name", "error", "os_type", "provider",
                                      "service_name"}));
  EXPECT_EQ(definitions[0].n_buckets, 14u);
}

TEST(AzurePluginCreate, EmptyAndNullConfigurationsMeanTheDefaults) {
  FakeHost host;
  for (const char* config : {"", "{}"}) {
    const CreateOutcome outcome = create_instance(host.api(), config);
    ASSERT_EQ(outcome.status, SSCSI_OK) << outcome.error;
    AzurePlugin::get().table().destroy(outcome.instance);
  }
  void* instance = nullptr;
  char error[256] = {};
  ASSERT_EQ(AzurePlugin::get().table().create(host.api(), nullptr, &instance, error, sizeof error),
            SSCSI_OK)
      << error;
  AzurePlugin::get().table().destroy(instance);
}

TEST(AzurePluginCreate, AHostThatRefusesTheMetricFailsCreateWithAReason) {
  FakeHost host;
  host.refuse_metric_definitions(SSCSI_INVALID_PARAMETERS);
  const CreateOutcome outcome = create_instance(host.api(), "{}");
  EXPECT_EQ(outcome.status, SSCSI_INTERNAL);
  EXPECT_EQ(outcome.error, "the host refused the keyvault_request metric (status 1)");
}

TEST(AzurePluginCreate, WithoutAHostTableCreateFailsWithoutCrashing) {
  void* instance = nullptr;
  char error[256] = {};
  EXPECT_EQ(AzurePlugin::get().table().create(nullptr, "{}", &instance, error, sizeof error),
            SSCSI_INTERNAL);
  EXPECT_STREQ(error, "azure provider: create was called without a host table");
}

TEST(AzurePluginCreate, ALongReasonIsTruncatedToTheHostBuffer) {
  FakeHost host;
  void* instance = nullptr;
  char error[16];
  std::memset(error, 'x', sizeof error);
  EXPECT_EQ(AzurePlugin::get().table().create(host.api(), "[]", &instance, error, sizeof error),
            SSCSI_INVALID_PARAMETERS);
  EXPECT_STREQ(error, "azure plugin co");
}

TEST(AzurePluginMount, WithoutARequestTheSinkGetsAnInternalError) {
  FakeHost host;
  const CreateOutcome outcome = create_instance(host.api(), offline_config().dump());
  ASSERT_EQ(outcome.status, SSCSI_OK);
  mock_test::FakeSink sink;
  AzurePlugin::get().table().mount(outcome.instance, nullptr, sink.sink());
  AzurePlugin::get().table().destroy(outcome.instance);
  ASSERT_TRUE(sink.answer().error.has_value());
  EXPECT_EQ(sink.answer().error->code, SSCSI_INTERNAL);
  EXPECT_EQ(sink.answer().error->message, "azure provider: mount without a request");
}

}  // namespace
}  // namespace sscsi::azure_test
