// sscsi-host's /metrics and /healthz as a scraper and the kubelet's livenessprobe see them: the
// real binary on port 0, the chosen ports read from its log.

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <optional>
#include <regex>
#include <string>
#include <vector>

#include "host_process.h"
#include "http_client.h"

namespace sscsi {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using metrics::testing::get;
using testing_support::HostProcess;

const fs::path kHost = SSCSI_HOST_BINARY;
const fs::path kMockPlugin = fs::path(SSCSI_PLUGIN_DIR) / "libsscsi-provider-mock.so";
constexpr auto kStartTimeout = 30s;
constexpr auto kStopTimeout = 10s;
constexpr const char* kReady = "running; stop with SIGTERM or SIGINT";

// The port of "serving PATH on 127.0.0.1:PORT" in the log, if there.
std::optional<std::uint16_t> served_port(const std::string& log, const std::string& path) {
  const std::regex line("serving " + path + " on 127\\.0\\.0\\.1:([0-9]+)");
  std::smatch match;
  if (!std::regex_search(log, match, line)) return std::nullopt;
  return static_cast<std::uint16_t>(std::stoi(match[1].str()));
}

class HttpEndpointsTest : public testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(fs::is_regular_file(kMockPlugin))
        << kMockPlugin << " is missing: build the sscsi-provider-mock target";
    std::string pattern = (fs::temp_directory_path() / "sscsi-http-it-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    root_ = pattern;
    fs::create_directory(root_ / "plugins");
    fs::permissions(root_ / "plugins", fs::perms(0755));
    fs::copy_file(kMockPlugin, root_ / "plugins" / kMockPlugin.filename());
    fs::permissions(root_ / "plugins" / kMockPlugin.filename(), fs::perms(0755));
  }
  void TearDown() override { fs::remove_all(root_); }

  std::vector<std::string> args(const std::string& instance, std::vector<std::string> extra) {
    std::vector<std::string> all{"--plugin-dir",
                                 (root_ / "plugins").string(),
                                 "--endpoint",
                                 "unix://" + (root_ / (instance + ".sock")).string(),
                                 "--state-dir",
                                 (root_ / (instance + "-state")).string(),
                                 "--require-plugins=mock"};
    all.insert(all.end(), extra.begin(), extra.end());
    return all;
  }

  fs::path root_;
};

TEST_F(HttpEndpointsTest, ServesMetricsAndHealthOnTheLoggedPorts) {
  HostProcess host(kHost,
                   args("a", {"--metrics-addr", "127.0.0.1:0", "--health-addr", "127.0.0.1:0"}));
  ASSERT_TRUE(host.wait_for_stderr(kReady, kStartTimeout)) << host.err();
  const auto metrics_port = served_port(host.err(), "/metrics");
  const auto health_port = served_port(host.err(), "/healthz");
  ASSERT_TRUE(metrics_port && health_port) << host.err();
  EXPECT_NE(*metrics_port, 0);

  const auto scraped = get(*metrics_port, "/metrics");
  EXPECT_EQ(scraped.status, 200);
  EXPECT_EQ(scraped.headers.at("content-type"), "text/plain; version=0.0.4; charset=utf-8");
  for (const char* expected :
       {"# HELP node_publish_total ", "# TYPE node_publish_total counter\n",
        "# TYPE node_unpublish_total counter\n", "# TYPE node_publish_error_total counter\n",
        "# TYPE rotation_reconcile_duration_sec histogram\n"}) {
    EXPECT_NE(scraped.body.find(expected), std::string::npos) << expected << "\n" << scraped.body;
  }

  // The CSI socket accepts connections and the required mock plugin is loaded (it has no
  // health entry, so it counts as healthy).
  const auto health = get(*health_port, "/healthz");
  EXPECT_EQ(health.status, 200) << health.body;
  EXPECT_EQ(health.body, "ok\n");

  host.send_signal(SIGTERM);
  ASSERT_TRUE(host.wait_for_exit(kStopTimeout)) << host.err();
  EXPECT_TRUE(host.exited() && host.exit_code() == 0) << host.describe_end() << "\n" << host.err();
  EXPECT_THROW(get(*metrics_port, "/metrics"), std::runtime_error);
}

TEST_F(HttpEndpointsTest, ABusyMetricsAddressExitsOneNamingIt) {
  HostProcess first(kHost,
                    args("a", {"--metrics-addr", "127.0.0.1:0", "--health-addr", "127.0.0.1:0"}));
  ASSERT_TRUE(first.wait_for_stderr(kReady, kStartTimeout)) << first.err();
  const auto metrics_port = served_port(first.err(), "/metrics");
  ASSERT_TRUE(metrics_port) << first.err();

  const std::string taken = "127.0.0.1:" + std::to_string(*metrics_port);
  HostProcess second(kHost, args("b", {"--metrics-addr", taken, "--health-addr", "127.0.0.1:0"}));
  ASSERT_TRUE(second.wait_for_exit(kStartTimeout)) << second.err();
  EXPECT_TRUE(second.exited() && second.exit_code() == 1) << second.describe_end();
  EXPECT_NE(second.err().find("cannot serve /metrics: cannot listen on " + taken +
                              ": Address already in use (see --metrics-addr)"),
            std::string::npos)
      << second.err();
  // The first one still answers.
  EXPECT_EQ(get(*metrics_port, "/metrics").status, 200);
}

}  // namespace
}  // namespace sscsi
