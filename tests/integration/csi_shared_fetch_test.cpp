// Shared fetches end to end: 100 pods publishing one class at once through the real host and the
// mock plugin cost one plugin call per share scope key, counted on /metrics by the mock itself
// (mock_provider_mount_total) and by the host (sscsi_shared_fetch_total).

#include <gtest/gtest.h>

#include <filesystem>
#include <functional>
#include <latch>
#include <map>
#include <optional>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "csi_host.h"
#include "csi_requests.h"
#include "http_client.h"
#include "volume_files.h"

namespace sscsi {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using testing_support::CsiHost;
using testing_support::CsiHostSetup;
using testing_support::mock_objects_yaml;
using testing_support::publish_request;
using testing_support::read_volume;
using testing_support::SpcSpec;
using testing_support::VolumeFile;

constexpr int kPods = 100;

// A window far longer than the test, so that only the share scope decides what is shared.
CsiHostSetup setup() { return {.extra_args = {"--shared-fetch-window", "10m"}}; }

// The latency keeps the first call in flight while the other pods arrive (single flight), and
// the kept answer serves those that come later.
SpcSpec app_class(const std::string& share_scope = "") {
  SpcSpec spec{.name = "app",
               .parameters = {{"objects", mock_objects_yaml({{{"objectName", "password"},
                                                              {"content", "shared-s3cret"}}})},
                              {"latency", "300ms"}}};
  if (!share_scope.empty()) spec.parameters["shareScope"] = share_scope;
  return spec;
}

std::string pod_uid(int i) { return fmt::format("pod-{:03}", i); }

// The value of one series in a Prometheus text exposition, e.g.
// series = `mock_provider_mount_total{result="ok"}`; nullopt when absent.
std::optional<double> series_value(const std::string& exposition, const std::string& series) {
  const std::regex line("(^|\n)" +
                        std::regex_replace(series, std::regex(R"([{}\[\]().*+?^$|\\])"), R"(\$&)") +
                        " ([0-9.e+-]+)");
  std::smatch match;
  if (!std::regex_search(exposition, match, line)) return std::nullopt;
  return std::stod(match[2].str());
}

class SharedFetchTest : public testing::Test {
 protected:
  SharedFetchTest() : host_(setup()) {}

  void SetUp() override {
    host_.start();
    ASSERT_TRUE(host_.wait_for_log("serving /metrics on", 10s)) << host_.log();
    const std::regex served("serving /metrics on 127\\.0\\.0\\.1:([0-9]+)");
    std::smatch match;
    const std::string log = host_.log();
    ASSERT_TRUE(std::regex_search(log, match, served)) << log;
    metrics_port_ = static_cast<std::uint16_t>(std::stoi(match[1].str()));
  }

  // Publishes kPods pods of the class at once; pod i runs as service_account(i).
  void publish_all(const std::function<std::string(int)>& service_account) {
    std::vector<::csi::v1::NodePublishVolumeRequest> requests;
    for (int i = 0; i < kPods; ++i) {
      requests.push_back(publish_request(host_.kubelet_target(pod_uid(i)), pod_uid(i), "app"));
      auto& context = *requests.back().mutable_volume_context();
      context["csi.storage.k8s.io/pod.name"] = pod_uid(i);
      context["csi.storage.k8s.io/serviceAccount.name"] = service_account(i);
    }
    std::vector<grpc::Status> results(kPods);
    std::latch start(kPods);
    std::vector<std::jthread> threads;
    for (int i = 0; i < kPods; ++i) {
      threads.emplace_back([&, i] {
        start.arrive_and_wait();
        results[static_cast<std::size_t>(i)] = host_.publish(requests[static_cast<std::size_t>(i)]);
      });
    }
    threads.clear();  // joins
    for (int i = 0; i < kPods; ++i) {
      ASSERT_TRUE(results[static_cast<std::size_t>(i)].ok())
          << pod_uid(i) << ": " << results[static_cast<std::size_t>(i)].error_message() << "\n"
          << host_.log();
      EXPECT_EQ(read_volume(host_.kubelet_target(pod_uid(i))),
                (std::map<std::string, VolumeFile>{{"password", {"shared-s3cret", 0644}}}))
          << pod_uid(i);
    }
  }

  std::string scrape() const {
    const auto response = metrics::testing::get(metrics_port_, "/metrics");
    EXPECT_EQ(response.status, 200);
    return response.body;
  }
  double value(const std::string& exposition, const std::string& series) const {
    return series_value(exposition, series).value_or(0);
  }

  CsiHost host_;
  std::uint16_t metrics_port_ = 0;
};

TEST_F(SharedFetchTest, OneServiceAccountMakesOnePluginCallForAHundredPods) {
  host_.write_spc(app_class());
  publish_all([](int) { return std::string("app"); });
  const std::string exposition = scrape();
  EXPECT_EQ(value(exposition, R"(mock_provider_mount_total{result="ok"})"), 1) << exposition;
  EXPECT_EQ(value(exposition, R"(sscsi_shared_fetch_total{provider="mock",result="call"})"), 1);
  EXPECT_EQ(value(exposition, R"(sscsi_shared_fetch_total{provider="mock",result="shared"})") +
                value(exposition, R"(sscsi_shared_fetch_total{provider="mock",result="waited"})"),
            kPods - 1)
      << exposition;
  EXPECT_EQ(value(exposition, R"(node_publish_total{provider="mock",os_type="linux"})"), kPods)
      << exposition;
}

TEST_F(SharedFetchTest, TwoServiceAccountsMakeTwoPluginCalls) {
  host_.write_spc(app_class());
  publish_all([](int i) { return std::string(i % 2 == 0 ? "app" : "batch"); });
  const std::string exposition = scrape();
  EXPECT_EQ(value(exposition, R"(mock_provider_mount_total{result="ok"})"), 2) << exposition;
  EXPECT_EQ(value(exposition, R"(sscsi_shared_fetch_total{provider="mock",result="call"})"), 2);
}

TEST_F(SharedFetchTest, AClassWhoseAnswersSayNeverCallsThePluginForEveryPod) {
  host_.write_spc(app_class("never"));
  publish_all([](int) { return std::string("app"); });
  const std::string exposition = scrape();
  EXPECT_EQ(value(exposition, R"(mock_provider_mount_total{result="ok"})"), kPods) << exposition;
  EXPECT_EQ(value(exposition, R"(sscsi_shared_fetch_total{provider="mock",result="call"})"), kPods);
  EXPECT_EQ(value(exposition, R"(sscsi_shared_fetch_total{provider="mock",result="shared"})"), 0);
}

}  // namespace
}  // namespace sscsi
