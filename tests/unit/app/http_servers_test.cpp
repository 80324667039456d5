#include <gtest/gtest.h>

#include <memory>
#include <stdexcept>
#include <string>
#include <utility>

#include "app/actions/actions.h"
#include "http_client.h"
#include "plugins/provider.h"

namespace sscsi::app {
namespace {

using metrics::testing::get;

// A provider whose health() answer the test sets.
class HealthProvider final : public plugins::Provider {
 public:
  HealthProvider(std::string name, std::string health)
      : name_(std::move(name)), health_(std::move(health)) {}
  const std::string& name() const override { return name_; }
  const std::string& version() const override { return version_; }
  const std::string& path() const override { return path_; }
  std::string config_schema() const override { return ""; }
  std::string health() const override { return health_; }
  plugins::MountAnswer mount(const plugins::MountCall&) override { return {}; }

 private:
  std::string name_;
  std::string health_;
  std::string version_ = "1.0.0";
  std::string path_ = "/plugins/lib" + name_ + ".so";
};

class AppHttpServersTest : public testing::Test {
 protected:
  AppHttpServersTest() {
    state_.plugins = std::make_unique<plugins::Registry>();
    state_.options.metrics_address = {"127.0.0.1", 0};
    // Another loopback address, so that the two servers are separate.
    state_.options.health_address = {"127.0.0.2", 0};
  }
  void load(const std::string& name, const std::string& health = "") {
    ASSERT_TRUE(state_.plugins->add(std::make_unique<HealthProvider>(name, health)));
  }
  void TearDown() override { actions::shutdown(state_); }

  State state_{Options{}};
};

TEST_F(AppHttpServersTest, RequiredPluginsMustBeLoadedAndHealthy) {
  load("mock");
  load("vault", "token expired");
  load("extra", "not required, so not reported");
  state_.options.required_plugins = {"mock", "vault", "azure"};
  EXPECT_EQ(actions::plugin_health_problems(state_),
            (std::vector<std::string>{"required plugin \"vault\" is unhealthy: token expired",
                                      "required plugin \"azure\" is not loaded"}));
  state_.options.required_plugins = {"mock"};
  EXPECT_TRUE(actions::plugin_health_problems(state_).empty());
  state_.plugins.reset();
  EXPECT_EQ(actions::plugin_health_problems(state_),
            (std::vector<std::string>{"required plugin \"mock\" is not loaded"}));
}

TEST_F(AppHttpServersTest, HealthAlsoNeedsTheCsiServer) {
  load("mock");
  state_.options.required_plugins = {"mock"};
  EXPECT_EQ(actions::health_problems(state_),
            (std::vector<std::string>{"the CSI server is not running"}));
}

TEST_F(AppHttpServersTest, ServesMetricsAndHealthOnTheirOwnAddresses) {
  load("vault", "token expired");
  state_.options.required_plugins = {"vault"};
  ASSERT_TRUE(actions::start_http_servers(state_).proceed);
  ASSERT_NE(state_.metrics_server, nullptr);
  ASSERT_NE(state_.health_server, nullptr);

  const auto scraped = get(state_.metrics_server->port(), "/metrics");
  EXPECT_EQ(scraped.status, 200);
  EXPECT_EQ(scraped.headers.at("content-type"), "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_EQ(scraped.body, state_.metrics.expose());
  EXPECT_EQ(get(state_.metrics_server->port(), "/healthz").status, 404);

  const auto health = get(state_.health_server->port(), "/healthz", "127.0.0.2");
  EXPECT_EQ(health.status, 503);
  EXPECT_EQ(health.body,
            "the CSI server is not running\n"
            "required plugin \"vault\" is unhealthy: token expired\n");
  EXPECT_EQ(get(state_.health_server->port(), "/metrics", "127.0.0.2").status, 404);
}

TEST_F(AppHttpServersTest, OneServerAnswersBothWhenTheAddressesAreEqual) {
  state_.options.health_address = state_.options.metrics_address;
  ASSERT_TRUE(actions::start_http_servers(state_).proceed);
  ASSERT_NE(state_.metrics_server, nullptr);
  EXPECT_EQ(state_.health_server, nullptr);
  EXPECT_EQ(get(state_.metrics_server->port(), "/metrics").status, 200);
  EXPECT_EQ(get(state_.metrics_server->port(), "/healthz").status, 503);
}

TEST_F(AppHttpServersTest, ABusyAddressStopsWithExitOneNamingTheOption) {
  ASSERT_TRUE(actions::start_http_servers(state_).proceed);
  State second{Options{}};
  second.options.metrics_address = {"127.0.0.1", state_.metrics_server->port()};
  second.options.health_address = {"127.0.0.2", 0};
  const ActionResult result = actions::start_http_servers(second);
  EXPECT_FALSE(result.proceed);
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_EQ(result.message, "cannot serve /metrics: cannot listen on 127.0.0.1:" +
                                std::to_string(state_.metrics_server->port()) +
                                ": Address already in use (see --metrics-addr)");

  State third{Options{}};
  third.options.metrics_address = {"127.0.0.1", 0};
  third.options.health_address = {"127.0.0.2", state_.health_server->port()};
  const ActionResult health = actions::start_http_servers(third);
  EXPECT_FALSE(health.proceed);
  EXPECT_NE(health.message.find("(see --health-addr)"), std::string::npos) << health.message;
  actions::shutdown(third);
}

TEST_F(AppHttpServersTest, ShutdownStopsTheServers) {
  ASSERT_TRUE(actions::start_http_servers(state_).proceed);
  const auto port = state_.metrics_server->port();
  actions::shutdown(state_);
  EXPECT_EQ(state_.metrics_server, nullptr);
  EXPECT_EQ(state_.health_server, nullptr);
  EXPECT_THROW(get(port, "/metrics"), std::runtime_error);
}

}  // namespace
}  // namespace sscsi::app
