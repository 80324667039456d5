// Real tmpfs mounts through the platform seam: options, the kernel-enforced size limit,
// is_mount_point (bind mounts included), unmount of unmounted and busy targets.

#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <cerrno>
#include <filesystem>

#include "mount/error.h"
#include "mount/mountinfo.h"
#include "mount/platform.h"
#include "test_support.h"

namespace sscsi::mount {
namespace {

namespace fs = std::filesystem;
using testing::TempDir;
using testing::TmpfsVolume;

bool has_option(const std::string& line, const std::string& option) {
  for (std::size_t start = 0; start < line.size();) {
    std::size_t end = line.find_first_of(" ,", start);
    if (end == std::string::npos) end = line.size();
    if (line.compare(start, end - start, option) == 0) return true;
    start = end + 1;
  }
  return false;
}

TEST(Tmpfs, MountsWithSizeModeAndSafetyFlags) {
  TempDir temp;
  const fs::path target = temp.path() / "target";
  fs::create_directory(target);
  ::chmod(target.c_str(), 0700);

  platform::mount_tmpfs(target, 1024 * 1024);
  EXPECT_TRUE(platform::is_mount_point(target));

  const std::string line = testing::mountinfo_line_for(target);
  ASSERT_FALSE(line.empty());
  EXPECT_NE(line.find(" - tmpfs "), std::string::npos) << line;
  for (const char* option : {"nosuid", "nodev", "noexec", "size=1024k", "mode=755"}) {
    EXPECT_TRUE(has_option(line, option)) << option << " missing in: " << line;
  }
  struct statfs fs_info {};
  ASSERT_EQ(::statfs(target.c_str(), &fs_info), 0);
  EXPECT_EQ(static_cast<std::uint64_t>(fs_info.f_blocks) * fs_info.f_bsize, 1024u * 1024u);
  EXPECT_EQ(testing::mode_of(target), 0755u);  // the tmpfs root, not the 0700 directory below

  EXPECT_TRUE(platform::unmount(target));
  EXPECT_FALSE(platform::is_mount_point(target));
  EXPECT_TRUE(testing::mountinfo_line_for(target).empty());
}

TEST(Tmpfs, KernelEnforcesTheSizeLimit) {
  TempDir temp;
  const fs::path target = temp.path() / "target";
  fs::create_directory(target);
  platform::mount_tmpfs(target, 64 * 1024);

  const SecretBytes fits(16 * 1024, 'a');
  platform::write_new_file(target / "small", fits, 0644);
  const SecretBytes too_big(128 * 1024, 'b');
  try {
    platform::write_new_file(target / "big", too_big, 0644);
    FAIL() << "writing 128 KiB into a 64 KiB tmpfs succeeded";
  } catch (const Error& error) {
    EXPECT_EQ(error.sys_errno(), ENOSPC);
    EXPECT_NE(std::string(error.what()).find("the volume is full"), std::string::npos)
        << error.what();
    EXPECT_NE(std::string(error.what()).find("/big"), std::string::npos) << error.what();
  }
  EXPECT_FALSE(fs::exists(target / "big"));  // the partial file is gone
  EXPECT_EQ(platform::read_file(target / "small").data, fits);
}

TEST(Tmpfs, RefusesSizeZeroWhichTmpfsReadsAsUnlimited) {
  TempDir temp;
  try {
    platform::mount_tmpfs(temp.path(), 0);
    FAIL() << "size 0 was accepted";
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find("more than 0 bytes"), std::string::npos);
  }
  EXPECT_FALSE(platform::is_mount_point(temp.path()));
}

TEST(Tmpfs, RefusesToStackOnAMountPoint) {
  TmpfsVolume volume;
  try {
    platform::mount_tmpfs(volume.path(), 1024 * 1024);
    FAIL() << "a second tmpfs was stacked";
  } catch (const Error& error) {
    EXPECT_EQ(error.sys_errno(), EBUSY);
    EXPECT_NE(std::string(error.what()).find("already a mount point"), std::string::npos);
  }
  EXPECT_TRUE(platform::unmount(volume.path()));
  EXPECT_FALSE(platform::is_mount_point(volume.path()));  // only one was there
}

TEST(Tmpfs, MissingTargetIsAClearError) {
  TempDir temp;
  const fs::path missing = temp.path() / "missing";
  try {
    platform::mount_tmpfs(missing, 1024 * 1024);
    FAIL() << "mounted on a missing directory";
  } catch (const Error& error) {
    EXPECT_EQ(error.sys_errno(), ENOENT);
    EXPECT_NE(std::string(error.what()).find(missing.string()), std::string::npos);
    EXPECT_NE(std::string(error.what()).find("does not exist"), std::string::npos);
  }
}

TEST(Tmpfs, ASymlinkTargetIsRefusedAndNotFollowed) {
  TempDir temp;
  const fs::path real = temp.path() / "real";
  fs::create_directory(real);
  fs::create_symlink(real, temp.path() / "link");
  try {
    platform::mount_tmpfs(temp.path() / "link", 1024 * 1024);
    FAIL() << "mounted through a symlink";
  } catch (const Error& error) {
    EXPECT_EQ(error.sys_errno(), ELOOP);
    EXPECT_NE(std::string(error.what()).find("is a symbolic link"), std::string::npos)
        << error.what();
  }
  EXPECT_FALSE(platform::is_mount_point(real));
}

TEST(Tmpfs, UnmountingWhatIsNotMountedIsNotAnError) {
  TempDir temp;
  EXPECT_FALSE(platform::unmount(temp.path()));
  EXPECT_FALSE(platform::unmount(temp.path() / "missing"));
}

TEST(Tmpfs, BusyUnmountIsReportedClearly) {
  TmpfsVolume volume;
  const fs::path file = volume.path() / "open";
  platform::write_new_file(file, testing::bytes("x"), 0644);
  const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  ASSERT_GE(fd, 0);
  try {
    platform::unmount(volume.path());
    ADD_FAILURE() << "unmounted a tmpfs with an open file";
  } catch (const Error& error) {
    EXPECT_EQ(error.sys_errno(), EBUSY);
    const std::string message = error.what();
    EXPECT_NE(message.find("EBUSY"), std::string::npos) << message;
    EXPECT_NE(message.find("a process still has a file"), std::string::npos) << message;
    EXPECT_NE(message.find(volume.path().string()), std::string::npos) << message;
  }
  ::close(fd);
  EXPECT_TRUE(platform::unmount(volume.path()));
}

// A bind mount of a directory from the same filesystem has the parent's st_dev, so the
// st_dev comparison would call it "not mounted"; is_mount_point must not.
TEST(Tmpfs, IsMountPointSeesBindMountsOfTheSameFilesystem) {
  TempDir temp;
  const fs::path source = temp.path() / "source";
  const fs::path bound = temp.path() / "bound";
  const fs::path plain = temp.path() / "plain";
  fs::create_directory(source);
  fs::create_directory(bound);
  fs::create_directory(plain);
  ASSERT_EQ(::mount(source.c_str(), bound.c_str(), nullptr, MS_BIND, nullptr), 0)
      << std::strerror(errno);

  struct stat bound_stat {
  }, parent_stat{};
  ASSERT_EQ(::stat(bound.c_str(), &bound_stat), 0);
  ASSERT_EQ(::stat(temp.path().c_str(), &parent_stat), 0);
  EXPECT_EQ(bound_stat.st_dev, parent_stat.st_dev);  // the case st_dev cannot tell apart

  EXPECT_TRUE(platform::is_mount_point(bound));
  EXPECT_FALSE(platform::is_mount_point(plain));
  EXPECT_FALSE(platform::is_mount_point(source));
  EXPECT_FALSE(platform::is_mount_point(temp.path() / "missing"));
  EXPECT_FALSE(platform::is_mount_point(temp.path() / "missing" / "deeper"));

  // A symlink to a mount point is not itself one (the last component is not followed).
  fs::create_symlink(bound, temp.path() / "link");
  EXPECT_FALSE(platform::is_mount_point(temp.path() / "link"));

  EXPECT_TRUE(platform::unmount(bound));
  EXPECT_FALSE(platform::is_mount_point(bound));
}

}  // namespace
}  // namespace sscsi::mount
