// The API server unreachable, down, throttling, and a 500-publish storm; in-cluster auth.

#include <fmt/format.h>

#include <cstdlib>
#include <thread>

#include "../volume_files.h"
#include "kube_host_test.h"
#include "kube_objects.h"

namespace sscsi::testing_support {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

class KubeFaultsTest : public KubeHostTest {};

TEST_F(KubeFaultsTest, UnreachableApiServerFailsAFirstPublishCleanly) {
  start_proxy();
  start_host({}, proxy_kubeconfig());
  const TestPod pod = make_pod("down-1");
  make_spc("down", {{{"objectName", "a"}, {"content", "x"}}});
  proxy().add_rule(FaultRule::cut(".*", -1));
  const grpc::Status status = publish(pod, "down");
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE) << status.error_message();
  EXPECT_NE(status.error_message().find(fmt::format("SecretProviderClass {}/down", ns_)),
            std::string::npos)
      << status.error_message();
  EXPECT_FALSE(target_state(pod.target).exists) << describe(target_state(pod.target));
  EXPECT_TRUE(host().records().empty());

  proxy().reset();  // back: the kubelet's retry mounts
  ASSERT_TRUE(publish(pod, "down").ok()) << host().log();
  EXPECT_EQ(read_volume(pod.target).at("a").content, "x");
}

TEST_F(KubeFaultsTest, RefreshWhileTheApiServerIsDownKeepsTheOldContent) {
  start_host({"--enable-secret-rotation", "--rotation-poll-interval", "1s"});
  const TestPod pod = make_pod("keep-1");
  const auto file = write_content("keep", "old-content");
  make_spc("keep", {{{"objectName", "a"}, {"contentFile", file.string()}}});
  ASSERT_TRUE(publish(pod, "keep").ok()) << host().log();

  cluster().stop_apiserver();
  std::this_thread::sleep_for(5500ms);  // the host reuses a looked-up class for 5 s
  write_content("keep", "new-content");
  // Neither the kubelet's republish nor the host's own refreshes can read the class now.
  const grpc::Status status = publish(pod, "keep");
  EXPECT_TRUE(status.ok()) << status.error_message();  // a refresh never fails the republish
  std::this_thread::sleep_for(2s);
  EXPECT_EQ(read_volume(pod.target).at("a").content, "old-content");
  EXPECT_TRUE(host().wait_for_log("keeping the current content", 5s)) << host().log();

  cluster().start_apiserver();
  EXPECT_TRUE(
      wait_until([&] { return read_volume(pod.target).at("a").content == "new-content"; }, 60s))
      << host().log();
}

TEST_F(KubeFaultsTest, ThrottledLookupHonoursRetryAfter) {
  start_proxy();
  start_host({}, proxy_kubeconfig());
  const TestPod pod = make_pod("slow-1");
  make_spc("slow", {{{"objectName", "a"}, {"content", "x"}}});
  proxy().add_rule(
      FaultRule::answer("GET .*/secretproviderclasses/slow", 429, 1, {{"Retry-After", "2"}}));
  const auto started = Clock::now();
  const grpc::Status status = publish(pod, "slow");
  const auto took = Clock::now() - started;
  ASSERT_TRUE(status.ok()) << status.error_message() << host().log();
  const auto lookups = proxy().requests_matching("/secretproviderclasses/slow");
  ASSERT_EQ(lookups.size(), 2u);
  EXPECT_EQ(lookups[0].status, 429);
  EXPECT_EQ(lookups[1].status, 200);
  EXPECT_GE(took, 2s) << "the retry did not wait for Retry-After";
}

// An apiserver that answers too slowly: the class lookup gives up at the publish's own deadline
// (not the client's 30 s retry budget), the first mount leaves nothing, and once the apiserver
// is quick again the kubelet's retry mounts.
TEST_F(KubeFaultsTest, SlowApiServerFailsAFirstPublishAtItsDeadlineAndLeavesNothing) {
  start_proxy();
  start_host({}, proxy_kubeconfig());
  const TestPod pod = make_pod("sluggish-1");
  make_spc("sluggish", {{{"objectName", "a"}, {"content", "x"}}});
  proxy().add_rule(FaultRule::delay("GET .*/secretproviderclasses/sluggish", 40000, -1));
  const auto started = Clock::now();
  const grpc::Status status = host().publish(request_for(pod, "sluggish"), 6s);
  const auto took = Clock::now() - started;
  EXPECT_FALSE(status.ok());
  EXPECT_TRUE(status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED ||
              status.error_code() == grpc::StatusCode::UNAVAILABLE)
      << status.error_code() << " " << status.error_message();
  EXPECT_LT(took, 20s) << "the publish outlived its deadline";
  // Whatever the host was doing when the kubelet gave up must not leave a mount behind.
  EXPECT_TRUE(wait_until([&] { return !target_state(pod.target).exists; }, 60s))
      << describe(target_state(pod.target)) << host().log();
  EXPECT_TRUE(wait_until([&] { return host().records().empty(); }, 60s)) << host().log();

  proxy().reset();
  const grpc::Status retried = publish(pod, "sluggish");
  ASSERT_TRUE(retried.ok()) << retried.error_message() << host().log();
  EXPECT_EQ(read_volume(pod.target).at("a").content, "x");
}

TEST_F(KubeFaultsTest, StormOf500PublishesOnOneClassCostsOneLookup) {
  start_proxy();
  start_host({"--kube-api-qps", "1000", "--kube-api-burst", "1000"}, proxy_kubeconfig());
  make_spc("storm", {{{"objectName", "a"}, {"content", "x"}}});
  std::vector<TestPod> pods;
  for (int i = 0; i < 500; ++i) pods.push_back(make_pod(fmt::format("storm-{}", i)));
  proxy().reset();

  std::vector<grpc::Status> statuses(pods.size());
  const auto started = Clock::now();
  {
    std::vector<std::jthread> threads;
    for (int t = 0; t < 50; ++t) {
      threads.emplace_back([&, t] {
        for (std::size_t i = t; i < pods.size(); i += 50) statuses[i] = publish(pods[i], "storm");
      });
    }
  }
  for (std::size_t i = 0; i < pods.size(); ++i) {
    ASSERT_TRUE(statuses[i].ok()) << i << ": " << statuses[i].error_message();
  }
  const auto took = Clock::now() - started;
  const std::size_t lookups = proxy()
                                  .requests_matching(
                                      "GET /apis/secrets-store.csi.x-k8s.io/v1/"
                                      "namespaces/" +
                                      ns_ + "/secretproviderclasses/storm")
                                  .size();
  // A class is reused for 5 s (SpcApiSource): one GET for the whole storm when it ends within
  // that (it does in a release build); a slow run (sanitizers) may take one more per 5 s.
  const auto windows = static_cast<std::size_t>(took / std::chrono::seconds(5));
  EXPECT_GE(lookups, 1u);
  EXPECT_LE(lookups, 1 + windows) << "the storm took "
                                  << std::chrono::duration<double>(took).count() << " s";
  for (const TestPod& pod : pods) {
    ASSERT_TRUE(host().unpublish(request_for(pod, "storm").volume_id(), pod.target.string()).ok());
  }
}

TEST_F(KubeFaultsTest, InClusterConfigurationFromTheServiceAccountDirectory) {
  setenv("KUBERNETES_SERVICE_HOST", cluster().service_host().c_str(), 1);
  setenv("KUBERNETES_SERVICE_PORT", cluster().service_port().c_str(), 1);
  setenv("SSCSI_SERVICEACCOUNT_DIR", cluster().in_cluster_dir().c_str(), 1);
  host_ = std::make_unique<CsiHost>(CsiHostSetup{.spc_dir = false});
  host_->start();
  unsetenv("KUBERNETES_SERVICE_HOST");
  unsetenv("KUBERNETES_SERVICE_PORT");
  unsetenv("SSCSI_SERVICEACCOUNT_DIR");
  EXPECT_NE(host().log().find("in-cluster"), std::string::npos) << host().log();
  const TestPod pod = make_pod("incluster");
  make_spc("ic", {{{"objectName", "a"}, {"content", "in"}}});
  ASSERT_TRUE(publish(pod, "ic").ok()) << host().log();
  EXPECT_EQ(read_volume(pod.target).at("a").content, "in");

  // Bound tokens rotate: the host reads the file again and keeps working with the new one.
  cluster().rotate_in_cluster_token();
  const TestPod second = make_pod("incluster-2");
  ASSERT_TRUE(publish(second, "ic").ok()) << host().log();
}

}  // namespace
}  // namespace sscsi::testing_support
