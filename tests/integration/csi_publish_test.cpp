// NodePublishVolume and NodeUnpublishVolume against the real sscsi-host: files, modes, the tmpfs
// and its flags, idempotent republish, and a clean unpublish.

#include <gtest/gtest.h>
#include <linux/magic.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>

#include <filesystem>
#include <string>

#include "csi_host.h"
#include "csi_requests.h"
#include "mount_table.h"
#include "volume_files.h"

namespace sscsi {
namespace {

namespace fs = std::filesystem;
using testing_support::CsiHost;
using testing_support::CsiHostSetup;
using testing_support::mock_objects_yaml;
using testing_support::publish_request;
using testing_support::read_text;
using testing_support::read_volume;
using testing_support::SpcSpec;
using testing_support::volume_id_for;
using testing_support::VolumeFile;

class PublishTest : public testing::Test {
 protected:
  void SetUp() override {
    host_.start();
    api_key_file_ = host_.content_dir() / "api-key";
    testing_support::write_text(api_key_file_, "file-v1");
    host_.write_spc(SpcSpec{
        .name = "app",
        .parameters = {{"objects", mock_objects_yaml({
                                       {{"objectName", "password"}, {"content", "correct-horse"}},
                                       {{"objectName", "username"},
                                        {"objectAlias", "db/username"},
                                        {"filePermission", "0440"},
                                        {"content", "app-user\n"}},
                                       {{"objectName", "api-key"},
                                        {"contentFile", api_key_file_.string()},
                                        {"filePermission", "0400"}},
                                   })}}});
  }

  const std::map<std::string, VolumeFile> expected_ = {
      {"password", {"correct-horse", 0644}},
      {"db/username", {"app-user\n", 0440}},
      {"api-key", {"file-v1", 0400}},
  };
  CsiHost host_;
  fs::path api_key_file_;
};

TEST_F(PublishTest, WritesTheFilesOnANosuidNodevNoexecTmpfsAndUnpublishRemovesEverything) {
  const fs::path target = host_.kubelet_target("pod-uid-1");
  ASSERT_FALSE(fs::exists(target)) << "the kubelet (>= 1.20) leaves creating the target to us";

  const grpc::Status published = host_.publish(publish_request(target, "pod-uid-1", "app"));
  ASSERT_TRUE(published.ok()) << published.error_message() << "\n" << host_.log();

  EXPECT_EQ(read_volume(target), expected_);
  // The user-visible paths go through the top-level links.
  EXPECT_EQ(read_text(target / "password"), "correct-horse");
  EXPECT_EQ(read_text(target / "db" / "username"), "app-user\n");
  EXPECT_TRUE(fs::is_symlink(target / "..data"));

  struct statfs fs_info {};
  ASSERT_EQ(statfs(target.c_str(), &fs_info), 0);
  EXPECT_EQ(fs_info.f_type, static_cast<decltype(fs_info.f_type)>(TMPFS_MAGIC));
  struct statvfs vfs_info {};
  ASSERT_EQ(statvfs(target.c_str(), &vfs_info), 0);
  EXPECT_NE(vfs_info.f_flag & ST_NOSUID, 0u);
  EXPECT_NE(vfs_info.f_flag & ST_NODEV, 0u);
  EXPECT_NE(vfs_info.f_flag & ST_NOEXEC, 0u);

  const auto mounts = testing_support::mounts_under(host_.root());
  ASSERT_EQ(mounts.size(), 1u);
  EXPECT_EQ(mounts[0].mount_point, target);
  EXPECT_EQ(mounts[0].fs_type, "tmpfs");
  for (const char* option : {"nosuid", "nodev", "noexec"}) {
    EXPECT_TRUE(testing_support::has_mount_option(mounts[0].mount_options, option))
        << option << " missing from " << mounts[0].mount_options;
  }
  // --tmpfs-size defaults to 64Mi; the kernel reports it in KiB.
  EXPECT_TRUE(testing_support::has_mount_option(mounts[0].super_options, "size=65536k"))
      << mounts[0].super_options;

  const auto records = host_.records();
  ASSERT_EQ(records.size(), 1u);
  EXPECT_NE(read_text(records[0]).find("\"" + target.string() + "\""), std::string::npos);

  const grpc::Status unpublished = host_.unpublish(volume_id_for("pod-uid-1"), target.string());
  ASSERT_TRUE(unpublished.ok()) << unpublished.error_message();
  EXPECT_FALSE(fs::exists(fs::symlink_status(target)));
  EXPECT_EQ(testing_support::mount_count_at(target), 0u);
  EXPECT_TRUE(testing_support::mounts_under(host_.root()).empty());
  EXPECT_TRUE(host_.records().empty());

  // The kubelet retries unpublish; a target that is already gone is a success.
  const grpc::Status again = host_.unpublish(volume_id_for("pod-uid-1"), target.string());
  EXPECT_TRUE(again.ok()) << again.error_message();
}

TEST_F(PublishTest, RepublishWithoutRotationAnswersOkWithoutCallingTheProvider) {
  const fs::path target = host_.kubelet_target("pod-uid-2");
  const auto request = publish_request(target, "pod-uid-2", "app");
  ASSERT_TRUE(host_.publish(request).ok()) << host_.log();

  // A provider call would read the edited file and write it into the volume.
  testing_support::write_text(api_key_file_, "file-v2");
  for (int i = 0; i < 3; ++i) {
    const grpc::Status again = host_.publish(request);
    ASSERT_TRUE(again.ok()) << again.error_message();
  }
  EXPECT_EQ(read_volume(target), expected_);
  EXPECT_EQ(testing_support::mount_count_at(target), 1u);
  EXPECT_EQ(host_.records().size(), 1u);

  ASSERT_TRUE(host_.unpublish(volume_id_for("pod-uid-2"), target.string()).ok());
  EXPECT_TRUE(testing_support::mounts_under(host_.root()).empty());
  EXPECT_TRUE(host_.records().empty());
}

TEST_F(PublishTest, AnExistingEmptyTargetDirectoryIsMountedOnAndRemovedAtUnpublish) {
  // Kubelets before 1.20 create the target directory themselves.
  const fs::path target = host_.kubelet_target("pod-uid-3");
  fs::create_directory(target);
  ASSERT_TRUE(host_.publish(publish_request(target, "pod-uid-3", "app")).ok()) << host_.log();
  EXPECT_EQ(read_volume(target), expected_);
  EXPECT_EQ(testing_support::mount_count_at(target), 1u);
  ASSERT_TRUE(host_.unpublish(volume_id_for("pod-uid-3"), target.string()).ok());
  EXPECT_FALSE(fs::exists(target));
  EXPECT_TRUE(host_.records().empty());
}

TEST(PublishOutsideKubeletPaths, NeedsAllowAnyTarget) {
  const SpcSpec spc{
      .name = "app",
      .parameters = {
          {"objects", mock_objects_yaml({{{"objectName", "token"}, {"content", "t0ken"}}})}}};
  {
    CsiHost strict;
    strict.start();
    strict.write_spc(spc);
    fs::create_directories(strict.root() / "elsewhere");
    const fs::path target = strict.root() / "elsewhere" / "mount";
    const grpc::Status refused = strict.publish(publish_request(target, "pod-uid-4", "app"));
    EXPECT_EQ(refused.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_EQ(refused.error_message(),
              "Target path \"" + target.string() +
                  "\" is not a kubelet pod volume path (.../pods/<pod uid>/volumes/"
                  "kubernetes.io~csi/<volume name>/mount); run the host with --allow-any-target "
                  "to publish elsewhere");
    EXPECT_FALSE(fs::exists(target));
    EXPECT_TRUE(strict.records().empty());
  }
  CsiHost permissive(CsiHostSetup{.extra_args = {"--allow-any-target"}});
  permissive.start();
  permissive.write_spc(spc);
  fs::create_directories(permissive.root() / "elsewhere");
  const fs::path target = permissive.root() / "elsewhere" / "mount";
  const grpc::Status published = permissive.publish(publish_request(target, "pod-uid-4", "app"));
  ASSERT_TRUE(published.ok()) << published.error_message() << "\n" << permissive.log();
  EXPECT_EQ(read_volume(target), (std::map<std::string, VolumeFile>{{"token", {"t0ken", 0644}}}));
  ASSERT_TRUE(permissive.unpublish(volume_id_for("pod-uid-4"), target.string()).ok());
  EXPECT_FALSE(fs::exists(target));
  EXPECT_TRUE(testing_support::mounts_under(permissive.root()).empty());
}

}  // namespace
}  // namespace sscsi
