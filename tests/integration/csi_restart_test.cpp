// kill -9 of sscsi-host and a restart on the same --state-dir: mounted volumes are carried over
// (and records of volumes unmounted meanwhile dropped), republish stays idempotent, unpublish
// cleans up; a publish killed half-way is redone on retry without stacking a second tmpfs.

#include <gtest/gtest.h>
#include <sys/mount.h>

#include <chrono>
#include <filesystem>
#include <future>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "csi_host.h"
#include "csi_requests.h"
#include "eventually.h"
#include "mount_table.h"
#include "volume_files.h"

namespace sscsi {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using testing_support::CsiHost;
using testing_support::eventually;
using testing_support::mock_objects_yaml;
using testing_support::publish_request;
using testing_support::read_volume;
using testing_support::SpcSpec;
using testing_support::versioned_content;
using testing_support::volume_id_for;
using testing_support::VolumeFile;
using testing_support::write_file_atomically;

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
  // A kill between a record save's write and its rename leaves its temporary file behind.
  const fs::path record = host.records().front();
  const fs::path abandoned =
      record.parent_path() / ("." + record.filename().string() + ".4242.tmp");
  testing_support::write_text(abandoned, "{\"format\": 1, \"tar");

  host.start();
  EXPECT_TRUE(host.wait_for_log(
      "mount state: 1 volume(s) still mounted, 0 record(s) of gone volumes removed", 5s))
      << host.log();
  EXPECT_NE(host.log().find("mount state: 1 temporary file(s) of interrupted saves removed"),
            std::string::npos)
      << host.log();
  EXPECT_FALSE(fs::exists(abandoned));
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

// The volume at `target` holds one whole version (or, when the kill came before its first
// version was written, nothing yet). Returns a description of what is wrong, or "".
std::string check_whole(const fs::path& target, int newest_version) {
  // Not published yet, or mounted with nothing written yet: redone by the next publish.
  std::error_code ec;
  if (!fs::exists(fs::symlink_status(target / "..data", ec))) return "";
  const std::map<std::string, VolumeFile> files = read_volume(target);
  if (files.empty()) return "";
  if (files.size() != 2 || !files.contains("value") || !files.contains("static")) {
    return fmt::format("{} files in {}", files.size(), target.string());
  }
  if (files.at("static") != VolumeFile{"fixed", 0644}) return "static file differs";
  const int version = testing_support::whole_version_of(files.at("value").content);
  if (version >= 0 && version <= newest_version && files.at("value").mode == 0644) return "";
  return fmt::format("value of {} is no whole version ({} bytes)", target.string(),
                     files.at("value").content.size());
}

// DESIGN.md's crash promise, at random points: publishes, republishes and scheduled rotations
// are interrupted by kill -9 twenty times; every volume then holds one whole version or none,
// there is never more than one tmpfs per target, the restarted host finishes every volume on
// the kubelet's retry, and unpublish leaves nothing.
TEST(Restart, TwentyKillsAtRandomPointsDuringPublishesAndRotationsLeaveWholeVolumes) {
  CsiHost host(testing_support::CsiHostSetup{
      .extra_args = {"--enable-secret-rotation", "--rotation-poll-interval", "1s"}});
  const fs::path content = host.content_dir() / "value";
  write_file_atomically(content, versioned_content(0));
  host.write_spc(SpcSpec{
      .name = "kr",
      .parameters = {{"objects", mock_objects_yaml(
                                     {{{"objectName", "value"}, {"contentFile", content.string()}},
                                      {{"objectName", "static"}, {"content", "fixed"}}})},
                     {"latency", "40ms"}}});
  const std::vector<std::string> pods{"kill-a", "kill-b", "kill-c", "kill-d"};
  std::vector<fs::path> targets;
  for (const std::string& pod : pods) targets.push_back(host.kubelet_target(pod));

  const unsigned seed = std::random_device{}();
  SCOPED_TRACE(fmt::format("random kill points from seed {}", seed));
  std::mt19937 random(seed);
  // Up to 1.5 s: past the 1 s poll interval, so scheduled refreshes are among what is cut.
  std::uniform_int_distribution<int> kill_after_ms(0, 1500);
  constexpr int kRounds = 20;
  for (int round = 1; round <= kRounds; ++round) {
    host.start();
    write_file_atomically(content, versioned_content(round));  // rotations pick this up
    std::vector<std::future<grpc::Status>> calls;
    for (std::size_t i = 0; i < pods.size(); ++i) {
      calls.push_back(std::async(std::launch::async, [&, i] {
        return host.publish(publish_request(targets[i], pods[i], "kr"), 10s);
      }));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(kill_after_ms(random)));
    host.kill();
    for (auto& call : calls) call.get();  // OK or UNAVAILABLE: either is fine here
    for (const fs::path& target : targets) {
      ASSERT_LE(testing_support::mount_count_at(target), 1u) << "round " << round;
      const std::string problem = check_whole(target, round);
      ASSERT_EQ(problem, "") << "round " << round;
    }
  }

  EXPECT_NE(host.log().find("] refreshed "), std::string::npos)
      << "no scheduled rotation ran between the kills";

  // The kubelet retries: the restarted host finishes every volume with one whole version.
  host.start();
  for (std::size_t i = 0; i < pods.size(); ++i) {
    const grpc::Status status = host.publish(publish_request(targets[i], pods[i], "kr"));
    ASSERT_TRUE(status.ok()) << pods[i] << ": " << status.error_message() << "\n" << host.log();
    EXPECT_EQ(testing_support::mount_count_at(targets[i]), 1u);
    EXPECT_FALSE(read_volume(targets[i]).empty()) << pods[i];
    EXPECT_EQ(check_whole(targets[i], kRounds), "");
  }
  for (std::size_t i = 0; i < pods.size(); ++i) {
    const grpc::Status status = host.unpublish(volume_id_for(pods[i]), targets[i].string());
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  EXPECT_TRUE(testing_support::mounts_under(host.root()).empty());
  EXPECT_TRUE(host.records().empty());
  for (const fs::path& target : targets) EXPECT_FALSE(fs::exists(target)) << target;
}

}  // namespace
}  // namespace sscsi
