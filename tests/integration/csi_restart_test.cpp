// kill -9 of sscsi-host and a restart on the same --state-dir: mounted volumes are carried over
// (and records of volumes unmounted meanwhile dropped), republish stays idempotent, unpublish
// cleans up; a publish killed half-way is redone on retry without stacking a second tmpfs.

#include <gtest/gtest.h>
#include <sys/mount.h>

#include <chrono>
#include <filesystem>
#include <future>
#include <string>
#include <thread>

#include "csi_host.h"
#include "csi_requests.h"
#include "mount_table.h"
#include "volume_files.h"

namespace sscsi {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using testing_support::CsiHost;
using testing_support::mock_objects_yaml;
using testing_support::publish_request;
using testing_support::read_volume;
using testing_support::SpcSpec;
using testing_support::volume_id_for;
using testing_support::VolumeFile;

// Waits (bounded) until `condition` holds.
template <typename Condition>
bool eventually(Condition condition, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!condition()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(10ms);
  }
  return true;
}

TEST(Restart, MountsSurviveKillNineAndTheRestartedHostCarriesThemOver) {
  CsiHost host;
  host.start();
  const fs::path content = host.content_dir() / "value";
  testing_support::write_text(content, "v1");
  host.write_spc(SpcSpec{
      .name = "app",
      .parameters = {{"objects", mock_objects_yaml({{{"objectName", "value"},
                                                     {"contentFile", content.string()}}})}}});
  const std::vector<std::string> pods{"pod-a", "pod-b", "pod-c"};
  std::vector<fs::path> targets;
  for (const std::string& pod : pods) {
    targets.push_back(host.kubelet_target(pod));
    const grpc::Status status = host.publish(publish_request(targets.back(), pod, "app"));
    ASSERT_TRUE(status.ok()) << pod << ": " << status.error_message() << "\n" << host.log();
  }

  host.kill();
  EXPECT_EQ(testing_support::mounts_under(host.root()).size(), 3u);
  EXPECT_EQ(host.records().size(), 3u);
  // While the host is down the kubelet tears one volume down by itself.
  ASSERT_EQ(umount2(targets[2].c_str(), 0), 0);
  fs::remove(targets[2]);

  host.start();
  EXPECT_TRUE(host.wait_for_log(
      "mount state: 2 volume(s) still mounted, 1 record(s) of gone volumes removed", 5s))
      << host.log();
  EXPECT_EQ(host.records().size(), 2u);

  // A provider call would now write v2: the carried-over volumes must be answered as they are.
  testing_support::write_text(content, "v2");
  const std::map<std::string, VolumeFile> v1{{"value", {"v1", 0644}}};
  for (std::size_t i = 0; i < 2; ++i) {
    const grpc::Status again = host.publish(publish_request(targets[i], pods[i], "app"));
    ASSERT_TRUE(again.ok()) << again.error_message();
    EXPECT_EQ(read_volume(targets[i]), v1);
    EXPECT_EQ(testing_support::mount_count_at(targets[i]), 1u);
  }
  for (std::size_t i = 0; i < 2; ++i) {
    const grpc::Status unpublished = host.unpublish(volume_id_for(pods[i]), targets[i].string());
    ASSERT_TRUE(unpublished.ok()) << unpublished.error_message();
  }
  EXPECT_TRUE(testing_support::mounts_under(host.root()).empty());
  EXPECT_TRUE(host.records().empty());
  for (const fs::path& target : targets) EXPECT_FALSE(fs::exists(target)) << target;
}

TEST(Restart, APublishKilledDuringASlowProviderIsRedoneWithoutAStackedMount) {
  CsiHost host;
  host.start();
  host.write_spc(
      SpcSpec{.name = "slow",
              .parameters = {
                  {"objects", mock_objects_yaml({{{"objectName", "token"}, {"content", "t0ken"}}})},
                  {"latency", "2s"}}});
  const fs::path target = host.kubelet_target("pod-slow");
  const auto request = publish_request(target, "pod-slow", "slow");

  auto first = std::async(std::launch::async, [&] { return host.publish(request); });
  // The tmpfs is mounted before the provider is called: the host is now inside the 2s latency.
  ASSERT_TRUE(eventually([&] { return testing_support::mount_count_at(target) == 1; }, 10s))
      << host.log();
  host.kill();
  const grpc::Status killed = first.get();
  EXPECT_EQ(killed.error_code(), grpc::StatusCode::UNAVAILABLE) << killed.error_message();
  EXPECT_EQ(testing_support::mount_count_at(target), 1u) << "the half-done mount stays behind";
  EXPECT_EQ(host.records().size(), 1u) << "and its pending record";

  host.start();
  EXPECT_TRUE(host.wait_for_log(
      "mount state: 1 volume(s) still mounted, 0 record(s) of gone volumes removed", 5s))
      << host.log();
  const grpc::Status retried = host.publish(request);
  ASSERT_TRUE(retried.ok()) << retried.error_message() << "\n" << host.log();
  EXPECT_EQ(testing_support::mount_count_at(target), 1u);
  EXPECT_EQ(testing_support::mounts_under(host.root()).size(), 1u);
  EXPECT_EQ(read_volume(target), (std::map<std::string, VolumeFile>{{"token", {"t0ken", 0644}}}));
  EXPECT_EQ(host.records().size(), 1u);

  ASSERT_TRUE(host.unpublish(volume_id_for("pod-slow"), target.string()).ok());
  EXPECT_FALSE(fs::exists(target));
  EXPECT_TRUE(testing_support::mounts_under(host.root()).empty());
  EXPECT_TRUE(host.records().empty());
}

}  // namespace
}  // namespace sscsi
