// The loader's checks after dlopen: entry symbol, ABI handshake, the table, the provider name,
// configuration and create. Each test asserts the exact refusal reason.

#include <fmt/format.h>

#include <cstddef>
#include <string>

#include "plugins/table_checks.h"
#include "test_support.h"

namespace sscsi::plugins::testing {
namespace {

namespace fs = std::filesystem;

class PluginLoaderHandshake : public LoaderTest {
 protected:
  void expect_refused(const char* variant, const std::string& reason) {
    const fs::path file = dir_.add_plugin(variant);
    expect_only_refusal(load(), file, reason);
  }
  // The contents the `good` plugin writes to config.json: the config_json create received.
  std::string config_seen_by_create() {
    const MountAnswer answer = provider("good").mount(make_call());
    EXPECT_TRUE(answer.ok) << answer.error.message;
    for (const auto& file : answer.files) {
      if (file.path == "config.json") return std::string(file.data.begin(), file.data.end());
    }
    return "config.json missing";
  }
};

TEST_F(PluginLoaderHandshake, MissingEntrySymbol) {
  expect_refused("missing_entry",
                 "does not export sscsi_provider_entry; is it an sscsi provider plugin?");
}

TEST_F(PluginLoaderHandshake, EntryReturningNullRefusesTheHostAbi) {
  expect_refused("entry_returns_null", "plugin refused host ABI 1.0");
}

TEST_F(PluginLoaderHandshake, DifferentMajorVersion) {
  expect_refused("wrong_major", "plugin is built for ABI 2.0; this host speaks ABI 1.0");
}

TEST_F(PluginLoaderHandshake, NewerMinorVersion) {
  expect_refused("newer_minor",
                 "plugin is built for ABI 1.1, newer than this host's ABI 1.0; upgrade the host");
}

TEST_F(PluginLoaderHandshake, TableTooSmallForAbi10) {
  expect_refused("struct_too_small",
                 fmt::format("table struct_size {} does not cover the ABI 1.0 members ({} bytes "
                             "needed)",
                             offsetof(sscsi_provider, destroy), kProviderAbi10Size));
}

TEST_F(PluginLoaderHandshake, RequiredMemberNull) {
  expect_refused("missing_mount", "required table member mount is NULL");
}

TEST_F(PluginLoaderHandshake, EmptyVersion) {
  expect_refused("version_empty", "provider version_empty has an empty version");
}

TEST_F(PluginLoaderHandshake, InvalidName) {
  expect_refused("name_invalid", "provider name 'bad name!' does not match ^[a-zA-Z0-9_-]{1,30}$");
}

TEST_F(PluginLoaderHandshake, NameTooLong) {
  expect_refused("name_too_long",
                 "provider name 'name_is_thirty_one_bytes_long_x' is 31 bytes long, more than "
                 "the limit of 30");
}

TEST_F(PluginLoaderHandshake, UnresolvedSymbolIsRefusedWithDlerror) {
  const fs::path file = dir_.add_plugin("unresolved_symbol");
  expect_only_refusal(load(), file,
                      fmt::format("dlopen failed: {}: undefined symbol: "
                                  "sscsi_test_symbol_nobody_defines",
                                  file.string()));
}

TEST_F(PluginLoaderHandshake, CreateFailureCarriesThePluginsRedactedReason) {
  expect_refused("init_fails",
                 "create failed with InvalidParameters: region must be set; token=[REDACTED] was "
                 "rejected");
}

TEST_F(PluginLoaderHandshake, SecondPluginWithTheSameNameIsRefused) {
  const fs::path first = dir_.add_plugin("good");
  const fs::path second = dir_.add_plugin("name_duplicate");
  const LoadReport report = load();
  EXPECT_EQ(report.loaded, std::vector<std::string>{"good"});
  ASSERT_EQ(report.refused.size(), 1u);
  EXPECT_EQ(report.refused[0].file, second);
  EXPECT_EQ(report.refused[0].reason,
            fmt::format("provider name 'good' is already provided by {}", first.string()));
  // The duplicate was refused before create: only one instance was ever made.
  EXPECT_EQ(logs_.count("good|info|created"), 1u);
}

TEST_F(PluginLoaderHandshake, AbiVersionAndTableCheckedForEveryPluginIndependently) {
  dir_.add_plugin("good");
  dir_.add_plugin("metrics");
  for (const char* variant : {"missing_entry", "wrong_major", "newer_minor", "entry_returns_null",
                              "struct_too_small", "missing_mount", "init_fails"}) {
    dir_.add_plugin(variant);
  }
  const LoadReport report = load();
  EXPECT_EQ(report.loaded, (std::vector<std::string>{"good", "metrics"}));
  EXPECT_EQ(report.refused.size(), 7u);
  // One warning line per refusal, each naming its file.
  EXPECT_EQ(logs_.count_containing("sscsi|warning|refused plugin "), 7u);
  for (const Refusal& refusal : report.refused) {
    EXPECT_EQ(logs_.count(fmt::format("sscsi|warning|refused plugin {}: {}", refusal.file.string(),
                                      refusal.reason)),
              1u);
  }
  EXPECT_EQ(registry_->all().size(), 2u);
}

TEST_F(PluginLoaderHandshake, OptionalMembersOutsideStructSizeAreNotRead) {
  dir_.add_plugin("abi10_size");
  const fs::path config = dir_.write_file("config.json", R"({"unhealthy": true})");
  const LoadReport report = load({dir_.path(), {{"abi10_size", config}}});
  ASSERT_EQ(report.loaded, std::vector<std::string>{"abi10_size"});
  // The table has config_schema and health, but they lie beyond its struct_size.
  EXPECT_EQ(provider("abi10_size").config_schema(), "");
  EXPECT_EQ(provider("abi10_size").health(), "");
}

TEST_F(PluginLoaderHandshake, OptionalMembersInsideStructSizeAreUsed) {
  dir_.add_plugin("good");
  const fs::path config = dir_.write_file("config.json", R"({"unhealthy": true})");
  ASSERT_EQ(load({dir_.path(), {{"good", config}}}).loaded, std::vector<std::string>{"good"});
  EXPECT_EQ(provider("good").config_schema(), R"({"type":"object"})");
  EXPECT_EQ(provider("good").health(), "backend unreachable (test) (Unavailable)");
}

TEST_F(PluginLoaderHandshake, HealthyPluginReportsNothing) {
  dir_.add_plugin("good");
  load();
  EXPECT_EQ(provider("good").health(), "");
}

TEST_F(PluginLoaderHandshake, NoConfigGivesAnEmptyObject) {
  dir_.add_plugin("good");
  load();
  EXPECT_EQ(config_seen_by_create(), "{}");
}

TEST_F(PluginLoaderHandshake, ConfigFileIsPassedToCreate) {
  dir_.add_plugin("good");
  const fs::path config = dir_.write_file("good.json", R"({ "b": 1, "a": ["x", true] })", 0600);
  const LoadReport report = load({dir_.path(), {{"good", config}}});
  EXPECT_EQ(report.loaded, std::vector<std::string>{"good"});
  EXPECT_TRUE(report.refused.empty());
  EXPECT_EQ(config_seen_by_create(), R"({"a":["x",true],"b":1})");
}

TEST_F(PluginLoaderHandshake, ConfigThatIsNotJsonIsRefusedWithoutQuotingIt) {
  const fs::path file = dir_.add_plugin("good");
  const fs::path config = dir_.write_file("good.json", R"({"password": tru3canary})");
  const LoadReport report = load({dir_.path(), {{"good", config}}});
  ASSERT_FALSE(report.refused.empty());
  EXPECT_EQ(report.refused[0].file, file);
  EXPECT_EQ(report.refused[0].reason,
            fmt::format("config file {} is not valid JSON: parse error at line 1, column 17: "
                        "syntax error while parsing value - invalid literal",
                        config.string()));
  EXPECT_EQ(logs_.count_containing("tru3"), 0u);
}

TEST_F(PluginLoaderHandshake, ConfigThatIsNotAnObjectIsRefused) {
  const fs::path file = dir_.add_plugin("good");
  const fs::path config = dir_.write_file("good.json", "[1, 2]");
  const LoadReport report = load({dir_.path(), {{"good", config}}});
  ASSERT_FALSE(report.refused.empty());
  EXPECT_EQ(report.refused[0].file, file);
  EXPECT_EQ(report.refused[0].reason,
            fmt::format("config file {} must hold a JSON object, not an array", config.string()));
}

TEST_F(PluginLoaderHandshake, ConfigLargerThanOneMebibyteIsRefused) {
  const fs::path file = dir_.add_plugin("good");
  std::string big = R"({"k":")" + std::string(1 << 20, 'x') + R"("})";
  const fs::path config = dir_.write_file("good.json", big);
  const LoadReport report = load({dir_.path(), {{"good", config}}});
  ASSERT_FALSE(report.refused.empty());
  EXPECT_EQ(report.refused[0].file, file);
  EXPECT_EQ(report.refused[0].reason,
            fmt::format("config file {} is larger than the limit of 1048576 bytes (1 MiB)",
                        config.string()));
}

TEST_F(PluginLoaderHandshake, MissingConfigFileIsRefused) {
  const fs::path file = dir_.add_plugin("good");
  const fs::path config = dir_.path() / "absent.json";
  const LoadReport report = load({dir_.path(), {{"good", config}}});
  ASSERT_FALSE(report.refused.empty());
  EXPECT_EQ(report.refused[0].file, file);
  EXPECT_EQ(
      report.refused[0].reason,
      fmt::format("config file {} cannot be opened: No such file or directory", config.string()));
}

TEST_F(PluginLoaderHandshake, ConfigRefusalAlsoReportsTheProviderAsNotLoaded) {
  const fs::path config = dir_.write_file("good.json", "[]");
  dir_.add_plugin("good");
  const LoadReport report = load({dir_.path(), {{"good", config}}});
  ASSERT_EQ(report.refused.size(), 2u);
  EXPECT_EQ(report.refused[1].file, config);
  EXPECT_EQ(report.refused[1].reason,
            fmt::format("--plugin-config names provider 'good', but no plugin with that name "
                        "loaded from {}",
                        dir_.path().string()));
}

TEST_F(PluginLoaderHandshake, ConfigForAProviderThatDidNotLoadIsARefusal) {
  dir_.add_plugin("good");
  const fs::path config = dir_.write_file("nosuch.json", "{}");
  const LoadReport report = load({dir_.path(), {{"nosuch", config}}});
  EXPECT_EQ(report.loaded, std::vector<std::string>{"good"});
  ASSERT_EQ(report.refused.size(), 1u);
  EXPECT_EQ(report.refused[0].file, config);
  const std::string reason = fmt::format(
      "--plugin-config names provider 'nosuch', but no plugin with that name loaded from {}",
      dir_.path().string());
  EXPECT_EQ(report.refused[0].reason, reason);
  EXPECT_EQ(
      logs_.count(fmt::format("sscsi|warning|refused plugin {}: {}", config.string(), reason)), 1u);
}

}  // namespace
}  // namespace sscsi::plugins::testing
