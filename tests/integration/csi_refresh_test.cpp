// Refreshes without a kubelet republish, against the real host over CSI with the mock plugin:
// the rotation scheduler (--enable-secret-rotation --rotation-poll-interval 1s) and forced
// refreshes through sscsi.admin.v1.Admin (what `sscsi-ctl refresh` calls).

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <string_view>
#include <thread>

#include <grpcpp/grpcpp.h>

#include "csi_host.h"
#include "csi_requests.h"
#include "eventually.h"
#include "host_process.h"
#include "spc_files.h"
#include "volume_files.h"
#include "rotation/proto/admin.grpc.pb.h"

namespace sscsi {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using testing_support::CsiHost;
using testing_support::CsiHostSetup;
using testing_support::eventually;
using testing_support::mock_objects_yaml;
using testing_support::publish_request;
using testing_support::read_text;
using testing_support::SpcSpec;
using testing_support::write_file_atomically;

// A class whose one object is read from <content dir>/secret.txt at every mount.
SpcSpec content_file_class(const CsiHost& host) {
  return SpcSpec{
      .name = "from-file",
      .parameters = {
          {"objects",
           mock_objects_yaml({{{"objectName", "secret.txt"},
                               {"contentFile", (host.content_dir() / "secret.txt").string()}}})}}};
}

TEST(Refresh, SchedulerRotatesEditedContentWithoutARepublish) {
  CsiHost host(
      CsiHostSetup{.extra_args = {"--enable-secret-rotation", "--rotation-poll-interval", "1s"}});
  host.start();
  write_file_atomically(host.content_dir() / "secret.txt", "one");
  host.write_spc(content_file_class(host));
  const fs::path target = host.kubelet_target("pod-sched");
  ASSERT_TRUE(host.publish(publish_request(target, "pod-sched", "from-file")).ok()) << host.log();
  ASSERT_EQ(read_text(target / "secret.txt"), "one");

  // Unchanged content: refreshes happen, the ..data link stays where it is.
  const fs::path before = fs::read_symlink(target / "..data");
  std::this_thread::sleep_for(3s);
  EXPECT_EQ(fs::read_symlink(target / "..data"), before) << host.log();

  write_file_atomically(host.content_dir() / "secret.txt", "two");
  EXPECT_TRUE(eventually([&] { return read_text(target / "secret.txt") == "two"; })) << host.log();
  EXPECT_NE(fs::read_symlink(target / "..data"), before);
  EXPECT_TRUE(host.unpublish(testing_support::volume_id_for("pod-sched"), target.string()).ok());
}

TEST(Refresh, ForcedRefreshChangesContentAtOnceWithRotationOff) {
  CsiHost host;
  host.start();
  write_file_atomically(host.content_dir() / "secret.txt", "one");
  host.write_spc(content_file_class(host));
  const fs::path target = host.kubelet_target("pod-forced");
  ASSERT_TRUE(host.publish(publish_request(target, "pod-forced", "from-file")).ok()) << host.log();

  ::sscsi::admin::v1::RefreshResponse response;
  grpc::Status status = host.refresh(target, response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_FALSE(response.rotated());
  EXPECT_NE(response.message().find("unchanged"), std::string::npos);

  write_file_atomically(host.content_dir() / "secret.txt", "two");
  status = host.refresh(target, response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_TRUE(response.rotated());
  EXPECT_EQ(read_text(target / "secret.txt"), "two");

  // The CSI services are unaffected by the admin service on the same socket.
  EXPECT_TRUE(host.publish(publish_request(target, "pod-forced", "from-file")).ok());
  EXPECT_TRUE(host.unpublish(testing_support::volume_id_for("pod-forced"), target.string()).ok());
}

// What an operator types: sscsi-ctl refresh --target DIR.
TEST(Refresh, SscsiCtlRefreshReportsTheOutcomeAndTheError) {
  CsiHost host;
  host.start();
  write_file_atomically(host.content_dir() / "secret.txt", "first");
  host.write_spc(content_file_class(host));
  const fs::path target = host.kubelet_target("pod-ctl");
  ASSERT_TRUE(host.publish(publish_request(target, "pod-ctl", "from-file")).ok()) << host.log();
  const std::vector<std::string> args = {"--endpoint", "unix://" + host.socket().string(),
                                         "refresh", "--target", target.string()};

  write_file_atomically(host.content_dir() / "secret.txt", "second");
  const testing_support::Finished changed =
      testing_support::run_to_end(SSCSI_CTL_BINARY, args, std::chrono::seconds(30));
  EXPECT_EQ(changed.exit_code, 0) << changed.err;
  EXPECT_NE(changed.out.find("new content written"), std::string::npos) << changed.out;
  EXPECT_EQ(read_text(target / "secret.txt"), "second");

  const testing_support::Finished missing =
      testing_support::run_to_end(SSCSI_CTL_BINARY,
                                  {"--endpoint", "unix://" + host.socket().string(), "refresh",
                                   "--target", host.kubelet_target("pod-none").string()},
                                  std::chrono::seconds(30));
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_EQ(missing.err.rfind("error: NOT_FOUND: ", 0), 0u) << missing.err;
}

TEST(Refresh, UnknownTargetIsNotFoundWithAClearMessage) {
  CsiHost host;
  host.start();
  const fs::path target = host.kubelet_target("pod-none");
  ::sscsi::admin::v1::RefreshResponse response;
  const grpc::Status status = host.refresh(target, response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_NE(status.error_message().find(target.string()), std::string::npos);
  EXPECT_NE(status.error_message().find("not a volume"), std::string::npos);

  const grpc::Status relative = host.refresh("relative/path", response);
  EXPECT_EQ(relative.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
}

TEST(Refresh, FailedScheduledRefreshKeepsContentAndBacksOff) {
  CsiHost host(
      CsiHostSetup{.extra_args = {"--enable-secret-rotation", "--rotation-poll-interval", "1s"}});
  host.start();
  write_file_atomically(host.content_dir() / "secret.txt", "one");
  host.write_spc(content_file_class(host));
  const fs::path target = host.kubelet_target("pod-fail");
  ASSERT_TRUE(host.publish(publish_request(target, "pod-fail", "from-file")).ok()) << host.log();
  // The content file disappears: every refresh fails NotFound and the old content stays.
  fs::remove(host.content_dir() / "secret.txt");
  ASSERT_TRUE(eventually([&] { return host.log().find("refresh of") != std::string::npos; }))
      << host.log();
  std::this_thread::sleep_for(6s);
  EXPECT_EQ(read_text(target / "secret.txt"), "one");
  // Backoff 1 s, 2 s, 4 s (+10%): at most 4 attempts fit into ~7 s; without backoff there would
  // be about 7.
  // One warning per failed attempt (at -v 5 a debug line about the scheduled refresh follows it).
  constexpr std::string_view kFailure = "[host] refresh of ";
  std::size_t attempts = 0;
  const std::string log = host.log();
  for (std::size_t at = log.find(kFailure); at != std::string::npos;
       at = log.find(kFailure, at + 1)) {
    ++attempts;
  }
  EXPECT_GE(attempts, 2u) << log;
  EXPECT_LE(attempts, 4u) << log;
  EXPECT_TRUE(host.unpublish(testing_support::volume_id_for("pod-fail"), target.string()).ok());
}

}  // namespace
}  // namespace sscsi
