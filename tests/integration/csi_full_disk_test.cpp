// Full disks: a state directory with no room for a mount record, and a volume whose tmpfs is full
// when a refresh comes. Nothing is lost: the publish fails with the reason and leaves the target
// as the kubelet made it, the refresh keeps the content the pod has, and both work again once
// there is room.

#include <gtest/gtest.h>
#include <sys/mount.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>

#include "csi_host.h"
#include "csi_requests.h"
#include "mount_table.h"
#include "spc_files.h"
#include "volume_files.h"

namespace sscsi {
namespace {

namespace fs = std::filesystem;
using testing_support::CsiHost;
using testing_support::CsiHostSetup;
using testing_support::mock_objects_yaml;
using testing_support::publish_request;
using testing_support::read_volume;
using testing_support::SpcSpec;
using testing_support::volume_id_for;
using testing_support::VolumeFile;
using testing_support::write_file_atomically;

// Writes zeros to `file` until the file system is full.
void fill(const fs::path& file) {
  std::ofstream out(file, std::ios::binary);
  const std::string block(4096, '\0');
  while (out.write(block.data(), static_cast<std::streamsize>(block.size()))) {
    out.flush();
  }
}

SpcSpec content_file_class(const CsiHost& host) {
  return SpcSpec{
      .name = "filed",
      .parameters = {
          {"objects",
           mock_objects_yaml({{{"objectName", "value"},
                               {"contentFile", (host.content_dir() / "value").string()}}})}}};
}

TEST(FullDisk, AFullStateDirectoryFailsThePublishAndLeavesTheTargetAsItWas) {
  CsiHost host;
  fs::create_directories(host.state_dir());
  ASSERT_EQ(::mount("tmpfs", host.state_dir().c_str(), "tmpfs", 0, "size=64k,mode=0700"), 0)
      << std::strerror(errno);
  host.start();
  write_file_atomically(host.content_dir() / "value", "v1");
  host.write_spc(content_file_class(host));
  const fs::path first = host.kubelet_target("disk-a");
  ASSERT_TRUE(host.publish(publish_request(first, "disk-a", "filed")).ok()) << host.log();

  const fs::path filler = host.state_dir() / "filler";
  fill(filler);
  const fs::path second = host.kubelet_target("disk-b");
  const auto before = testing_support::target_state(second);
  const grpc::Status refused = host.publish(publish_request(second, "disk-b", "filed"));
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::INTERNAL);
  EXPECT_NE(refused.error_message().find("No space left on device"), std::string::npos)
      << refused.error_message();
  EXPECT_NE(refused.error_message().find(second.string()), std::string::npos)
      << refused.error_message();
  EXPECT_EQ(testing_support::target_state(second), before)
      << testing_support::describe(testing_support::target_state(second));
  // The volume already mounted is untouched, and the host still serves it.
  EXPECT_EQ(read_volume(first), (std::map<std::string, VolumeFile>{{"value", {"v1", 0644}}}));

  fs::remove(filler);
  ASSERT_TRUE(host.publish(publish_request(second, "disk-b", "filed")).ok()) << host.log();
  for (const auto& [pod, target] : {std::pair{"disk-a", first}, std::pair{"disk-b", second}}) {
    ASSERT_TRUE(host.unpublish(volume_id_for(pod), target.string()).ok());
  }
  EXPECT_TRUE(host.records().empty());
}

TEST(FullDisk, ARefreshIntoAFullVolumeKeepsTheContentThePodHas) {
  CsiHost host(CsiHostSetup{.extra_args = {"--tmpfs-size", "1Mi"}});
  host.start();
  write_file_atomically(host.content_dir() / "value", "v1");
  host.write_spc(content_file_class(host));
  const fs::path target = host.kubelet_target("disk-full");
  ASSERT_TRUE(host.publish(publish_request(target, "disk-full", "filed")).ok()) << host.log();

  // Something else (root on the node) has filled the volume's tmpfs.
  const fs::path filler = target / "filler";
  fill(filler);
  write_file_atomically(host.content_dir() / "value", "v2");
  ::sscsi::admin::v1::RefreshResponse response;
  const grpc::Status failed = host.refresh(target, response);
  EXPECT_FALSE(failed.ok() && response.rotated()) << response.message();
  EXPECT_NE((failed.error_message() + response.message()).find("No space left on device"),
            std::string::npos)
      << failed.error_message() << " / " << response.message();
  EXPECT_EQ(read_volume(target), (std::map<std::string, VolumeFile>{{"value", {"v1", 0644}}}));
  EXPECT_EQ(testing_support::mount_count_at(target), 1u);

  fs::remove(filler);
  const grpc::Status refreshed = host.refresh(target, response);
  ASSERT_TRUE(refreshed.ok()) << refreshed.error_message();
  EXPECT_TRUE(response.rotated()) << response.message();
  EXPECT_EQ(read_volume(target), (std::map<std::string, VolumeFile>{{"value", {"v2", 0644}}}));
  ASSERT_TRUE(host.unpublish(volume_id_for("disk-full"), target.string()).ok());
  EXPECT_TRUE(testing_support::mounts_under(host.root()).empty());
}

}  // namespace
}  // namespace sscsi
