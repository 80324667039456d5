// A provider that misbehaves during a refresh (not a first mount), against the real host: one
// that hangs past the refresh's deadline (or until an unpublish stops it) and one that answers
// garbage. The volume is mounted with the mock; then its SecretProviderClass is rewritten to
// name a broken plugin of the tests/plugins family (a refresh resolves the class again, so the
// next refresh calls that plugin), and a forced refresh (sscsi.admin.v1.Admin/Refresh, 60 s
// deadline) or the rotation scheduler runs. What must hold: the refresh fails with the code and
// message naming the provider, the pod keeps its content and its one mount, nothing the plugin
// sent lands in the volume, and the volume stays usable: a later refresh with a working provider
// rotates it and unpublish removes everything.

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <regex>
#include <string>
#include <thread>

#include "csi_host.h"
#include "csi_requests.h"
#include "eventually.h"
#include "mount_table.h"
#include "rotation/proto/admin.grpc.pb.h"
#include "spc_files.h"
#include "volume_files.h"

namespace sscsi {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using testing_support::CsiHost;
using testing_support::CsiHostSetup;
using testing_support::mock_objects_yaml;
using testing_support::mount_count_at;
using testing_support::publish_request;
using testing_support::read_text;
using testing_support::read_volume;
using testing_support::SpcSpec;
using testing_support::volume_id_for;
using testing_support::write_file_atomically;

// The mock class whose one object is read from <content dir>/secret.txt at every mount.
SpcSpec mock_class(const CsiHost& host) {
  return SpcSpec{
      .name = "app",
      .parameters = {
          {"objects",
           mock_objects_yaml({{{"objectName", "secret.txt"},
                               {"contentFile", (host.content_dir() / "secret.txt").string()}}})}}};
}

// The same class, now served by the broken plugin `variant` (it ignores its parameters).
SpcSpec broken_class(const std::string& variant) {
  return SpcSpec{.name = "app", .provider = variant, .parameters = {{"objects", "ignored"}}};
}

// A forced refresh whose client waits longer than the host's own refresh deadline (60 s), so
// that the host's answer, not the client's timeout, is what the test sees.
grpc::Status forced_refresh(const CsiHost& host, const fs::path& target,
                            ::sscsi::admin::v1::RefreshResponse& response) {
  return host.refresh(target, response, 120s);
}

// Mounts the mock class for `pod` with content "one" and checks it arrived.
fs::path mount_one(CsiHost& host, const std::string& pod) {
  write_file_atomically(host.content_dir() / "secret.txt", "one");
  host.write_spc(mock_class(host));
  const fs::path target = host.kubelet_target(pod);
  const grpc::Status status = host.publish(publish_request(target, pod, "app"));
  EXPECT_TRUE(status.ok()) << status.error_message() << "\n" << host.log();
  EXPECT_EQ(read_text(target / "secret.txt"), "one");
  return target;
}

// The pod still sees exactly what the mock wrote: one file, the old content, one tmpfs.
void expect_old_content_kept(const CsiHost& host, const fs::path& target) {
  const auto files = read_volume(target);
  ASSERT_EQ(files.size(), 1u) << "a file of the failed refresh reached the volume";
  ASSERT_EQ(files.count("secret.txt"), 1u);
  EXPECT_EQ(files.at("secret.txt").content, "one");
  EXPECT_EQ(mount_count_at(target), 1u);
  EXPECT_EQ(host.records().size(), 1u);
}

// Back to the mock: a refresh rotates to the content written meanwhile, and unpublish leaves no
// mount, record or target.
void expect_usable_afterwards(CsiHost& host, const fs::path& target, const std::string& pod) {
  host.write_spc(mock_class(host));
  ::sscsi::admin::v1::RefreshResponse response;
  const grpc::Status status = forced_refresh(host, target, response);
  ASSERT_TRUE(status.ok()) << status.error_message() << "\n" << host.log();
  EXPECT_TRUE(response.rotated());
  EXPECT_EQ(read_text(target / "secret.txt"), "two");
  EXPECT_EQ(mount_count_at(target), 1u);
  const grpc::Status unpublished = host.unpublish(volume_id_for(pod), target.string());
  EXPECT_TRUE(unpublished.ok()) << unpublished.error_message();
  EXPECT_FALSE(fs::exists(target));
  EXPECT_TRUE(host.records().empty());
  EXPECT_TRUE(testing_support::mounts_under(host.root()).empty());
}

TEST(RefreshFaults, AProviderHangingPastTheRefreshDeadlineKeepsTheOldContent) {
  CsiHost host(CsiHostSetup{.test_plugins = {"outlives_deadline"}});
  host.start();
  const fs::path target = mount_one(host, "pod-hang");
  ASSERT_FALSE(HasFailure());

  host.write_spc(broken_class("outlives_deadline"));
  write_file_atomically(host.content_dir() / "secret.txt", "two");
  grpc::Status refreshed;
  ::sscsi::admin::v1::RefreshResponse response;
  {
    // The plugin sleeps past the refresh's 60 s deadline; meanwhile the pod reads its files and
    // other volumes mount as usual.
    std::jthread refresh([&] { refreshed = forced_refresh(host, target, response); });
    std::this_thread::sleep_for(2s);
    EXPECT_EQ(read_text(target / "secret.txt"), "one");
    write_file_atomically(host.content_dir() / "other.txt", "other");
    host.write_spc(SpcSpec{
        .name = "other",
        .parameters = {
            {"objects", mock_objects_yaml(
                            {{{"objectName", "other.txt"},
                              {"contentFile", (host.content_dir() / "other.txt").string()}}})}}});
    const fs::path other = host.kubelet_target("pod-other");
    const grpc::Status other_status =
        host.publish(publish_request(other, "pod-other", "other"), 20s);
    EXPECT_TRUE(other_status.ok()) << other_status.error_message();
    EXPECT_EQ(read_text(other / "other.txt"), "other");
    EXPECT_TRUE(host.unpublish(volume_id_for("pod-other"), other.string()).ok());
  }
  EXPECT_EQ(refreshed.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED)
      << refreshed.error_message();
  EXPECT_TRUE(std::regex_match(refreshed.error_message(),
                               std::regex("provider outlives_deadline did not answer within "
                                          "[0-9]+ms")))
      << refreshed.error_message();
  EXPECT_TRUE(host.wait_for_log(
      "refresh of " + target.string() + " failed, keeping the current content", 10s))
      << host.log();
  // The plugin's late file and version (300 ms after its deadline) were thrown away.
  EXPECT_TRUE(host.wait_for_log("late add_file returned 7", 10s)) << host.log();
  expect_old_content_kept(host, target);
  expect_usable_afterwards(host, target, "pod-hang");
}

// The kubelet unpublishes a volume while a refresh waits for a hung provider: the unpublish
// does not wait for the provider's deadline (a minute here) but stops the call. The plugin sees
// call_cancelled turn true, the refresh is answered ABORTED, and the volume is gone.
TEST(RefreshFaults, AnUnpublishStopsARefreshWhoseProviderHangs) {
  CsiHost host(CsiHostSetup{.test_plugins = {"cancel_aware"}});
  host.start();
  const fs::path target = mount_one(host, "pod-stop");
  ASSERT_FALSE(HasFailure());

  host.write_spc(broken_class("cancel_aware"));
  grpc::Status refreshed;
  ::sscsi::admin::v1::RefreshResponse response;
  {
    std::jthread refresh([&] { refreshed = forced_refresh(host, target, response); });
    // cancel_aware polls call_cancelled for up to 10 s, then gives up by itself.
    ASSERT_TRUE(host.wait_for_log("waiting for call_cancelled", 20s)) << host.log();
    const grpc::Status unpublished = host.unpublish(volume_id_for("pod-stop"), target.string());
    EXPECT_TRUE(unpublished.ok()) << unpublished.error_message();
  }
  EXPECT_EQ(refreshed.error_code(), grpc::StatusCode::ABORTED) << refreshed.error_message();
  EXPECT_EQ(refreshed.error_message(),
            "the refresh of " + target.string() + " was stopped: the volume is being unpublished");
  EXPECT_TRUE(
      host.wait_for_log("saw cancellation before the deadline; add_file then returned 7", 10s))
      << host.log();
  EXPECT_FALSE(fs::exists(target));
  EXPECT_TRUE(host.records().empty());
  EXPECT_TRUE(testing_support::mounts_under(host.root()).empty());
}

TEST(RefreshFaults, GarbageFromTheProviderDuringARefreshKeepsTheOldContent) {
  CsiHost host(CsiHostSetup{.test_plugins = {"duplicate_path"}});
  host.start();
  const fs::path target = mount_one(host, "pod-garbage");
  ASSERT_FALSE(HasFailure());

  // duplicate_path adds a.txt twice: the answer is refused as it arrives.
  host.write_spc(broken_class("duplicate_path"));
  write_file_atomically(host.content_dir() / "secret.txt", "two");
  ::sscsi::admin::v1::RefreshResponse response;
  const grpc::Status refreshed = forced_refresh(host, target, response);
  EXPECT_EQ(refreshed.error_code(), grpc::StatusCode::INTERNAL) << refreshed.error_message();
  EXPECT_EQ(refreshed.error_message(),
            "provider duplicate_path added file 'a.txt' twice; every path must be unique");
  EXPECT_TRUE(host.wait_for_log(
      "refresh of " + target.string() + " failed, keeping the current content", 10s))
      << host.log();
  expect_old_content_kept(host, target);
  // A kubelet republish while the class still names the broken plugin answers OK and keeps the
  // content (rotation is off: the republish does not refresh).
  const grpc::Status republished = host.publish(publish_request(target, "pod-garbage", "app"));
  EXPECT_TRUE(republished.ok()) << republished.error_message();
  expect_old_content_kept(host, target);
  expect_usable_afterwards(host, target, "pod-garbage");
}

// The same garbage met by the rotation scheduler instead of a forced refresh: the scheduled
// refreshes fail and back off, the content stays, and the next one after the fix rotates.
TEST(RefreshFaults, GarbageDuringScheduledRefreshesKeepsTheOldContentUntilTheProviderIsFixed) {
  CsiHost host(
      CsiHostSetup{.test_plugins = {"duplicate_path"},
                   .extra_args = {"--enable-secret-rotation", "--rotation-poll-interval", "1s"}});
  host.start();
  const fs::path target = mount_one(host, "pod-sched");
  ASSERT_FALSE(HasFailure());

  host.write_spc(broken_class("duplicate_path"));
  write_file_atomically(host.content_dir() / "secret.txt", "two");
  const std::string failure = "refresh of " + target.string() +
                              " failed, keeping the current content: provider duplicate_path "
                              "added file 'a.txt' twice; every path must be unique";
  ASSERT_TRUE(host.wait_for_log(failure, 30s)) << host.log();
  std::this_thread::sleep_for(3s);
  expect_old_content_kept(host, target);
  // The kubelet's republish during the failures is answered OK with the old content.
  const grpc::Status republished = host.publish(publish_request(target, "pod-sched", "app"));
  EXPECT_TRUE(republished.ok()) << republished.error_message();
  expect_old_content_kept(host, target);

  host.write_spc(mock_class(host));
  EXPECT_TRUE(
      testing_support::eventually([&] { return read_text(target / "secret.txt") == "two"; }, 60s))
      << host.log();
  EXPECT_EQ(mount_count_at(target), 1u);
  EXPECT_TRUE(host.unpublish(volume_id_for("pod-sched"), target.string()).ok());
  EXPECT_TRUE(host.records().empty());
  EXPECT_TRUE(testing_support::mounts_under(host.root()).empty());
}

}  // namespace
}  // namespace sscsi
