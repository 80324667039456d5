#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "app/actions/actions.h"
#include "plugins/provider.h"

namespace sscsi::app {
namespace {

// A provider that only has a name: check_required_plugins looks providers up, nothing more.
class NamedProvider final : public plugins::Provider {
 public:
  explicit NamedProvider(std::string name) : name_(std::move(name)) {}
  const std::string& name() const override { return name_; }
  const std::string& version() const override { return version_; }
  const std::string& path() const override { return path_; }
  std::string config_schema() const override { return ""; }
  std::string health() const override { return ""; }
  plugins::MountAnswer mount(const plugins::MountCall&) override { return {}; }

 private:
  std::string name_;
  std::string version_ = "1.0.0";
  std::string path_ = "/plugins/lib" + name_ + ".so";
};

class AppCheckRequiredPluginsTest : public testing::Test {
 protected:
  AppCheckRequiredPluginsTest() {
    state_.options.plugin_dir = "/usr/lib/sscsi/plugins";
    state_.plugins = std::make_unique<plugins::Registry>();
  }

  void load(const std::string& name) {
    ASSERT_TRUE(state_.plugins->add(std::make_unique<NamedProvider>(name)));
    state_.load_report.loaded.push_back(name);
  }
  void refuse(const std::string& file, const std::string& reason) {
    state_.load_report.refused.push_back({"/usr/lib/sscsi/plugins/" + file, reason});
  }
  ActionResult check(std::vector<std::string> required) {
    state_.options.required_plugins = std::move(required);
    return actions::check_required_plugins(state_);
  }

  State state_{Options{}};
};

TEST_F(AppCheckRequiredPluginsTest, PassesWhenEveryRequiredPluginLoaded) {
  load("mock");
  load("azure");
  EXPECT_TRUE(check({"azure", "mock"}).proceed);
  EXPECT_TRUE(check({}).proceed);
}

TEST_F(AppCheckRequiredPluginsTest, AMissingPluginStopsWithExitOneNamingItAndTheDirectory) {
  load("mock");
  const ActionResult result = check({"mock", "nonexistent"});
  EXPECT_FALSE(result.proceed);
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_EQ(result.message,
            "required plugin \"nonexistent\" is not loaded: no plugin in /usr/lib/sscsi/plugins "
            "provides it (loaded: mock) (see --require-plugins)");
}

TEST_F(AppCheckRequiredPluginsTest, ARefusedFileNamedAfterThePluginGivesItsReason) {
  load("mock");
  refuse("libsscsi-provider-azure.so", "plugin built for ABI 2.0, host speaks 1.0");
  refuse("libother.so", "not an ELF file");
  const ActionResult result = check({"azure"});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_EQ(result.message,
            "required plugin \"azure\" is not loaded: refused "
            "/usr/lib/sscsi/plugins/libsscsi-provider-azure.so (plugin built for ABI 2.0, host "
            "speaks 1.0) (see --require-plugins)");
}

TEST_F(AppCheckRequiredPluginsTest, ARefusalQuotingThePluginNameGivesItsReason) {
  refuse("libkv.so", "create of provider \"azure\" failed: tenantId is missing");
  refuse("libother.so", "not an ELF file");
  const ActionResult result = check({"azure"});
  EXPECT_NE(result.message.find("libkv.so (create of provider \"azure\" failed: tenantId is "
                                "missing)"),
            std::string::npos)
      << result.message;
  EXPECT_EQ(result.message.find("libother.so"), std::string::npos) << result.message;
}

TEST_F(AppCheckRequiredPluginsTest, ARefusalSingleQuotingThePluginNameGivesItsReason) {
  refuse("libkv.so", "provider name 'azure' is already provided by /x/liba.so");
  refuse("libother.so", "not an ELF file");
  const ActionResult result = check({"azure"});
  EXPECT_NE(result.message.find("libkv.so (provider name 'azure' is already provided"),
            std::string::npos)
      << result.message;
  EXPECT_EQ(result.message.find("libother.so"), std::string::npos) << result.message;
}

TEST_F(AppCheckRequiredPluginsTest, ANameInsideAnotherWordIsNotAMatch) {
  refuse("libazure-old.so", "create of 'azure-old' failed");
  const ActionResult result = check({"azure"});
  EXPECT_NE(result.message.find("refused files, one of which may be it"), std::string::npos)
      << result.message;
}

TEST_F(AppCheckRequiredPluginsTest, UnattributableRefusalsAreAllNamed) {
  load("mock");
  refuse("liba.so", "not an ELF file");
  refuse("libb.so", "no sscsi_provider_entry symbol");
  const ActionResult result = check({"azure"});
  EXPECT_EQ(result.message,
            "required plugin \"azure\" is not loaded: no plugin in /usr/lib/sscsi/plugins "
            "provides it (loaded: mock); refused files, one of which may be it: "
            "/usr/lib/sscsi/plugins/liba.so (not an ELF file); /usr/lib/sscsi/plugins/libb.so (no "
            "sscsi_provider_entry symbol) (see --require-plugins)");
}

TEST_F(AppCheckRequiredPluginsTest, EveryMissingPluginIsReported) {
  const ActionResult result = check({"a", "b"});
  EXPECT_NE(result.message.find("required plugin \"a\""), std::string::npos);
  EXPECT_NE(result.message.find("required plugin \"b\""), std::string::npos);
  EXPECT_NE(result.message.find("(loaded: none)"), std::string::npos);
}

TEST_F(AppCheckRequiredPluginsTest, NoRegistryMeansNothingLoaded) {
  state_.plugins.reset();
  EXPECT_EQ(check({"mock"}).exit_code, 1);
}

}  // namespace
}  // namespace sscsi::app
