// The /proc/self/mountinfo fallback of is_mount_point (kernels before 5.8): escape decoding,
// line parsing, and agreement with the real kernel table.

#include <sys/mount.h>

#include <gtest/gtest.h>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include "mount/mountinfo.h"
#include "test_support.h"

namespace sscsi::mount {
namespace {

namespace fs = std::filesystem;

TEST(Mountinfo, UnescapesOctalSequences) {
  EXPECT_EQ(unescape_mountinfo_path("/plain/path"), "/plain/path");
  EXPECT_EQ(unescape_mountinfo_path("/with\\040space"), "/with space");
  EXPECT_EQ(unescape_mountinfo_path("/tab\\011newline\\012"), "/tab\tnewline\n");
  EXPECT_EQ(unescape_mountinfo_path("/back\\134slash"), "/back\\slash");
  // Not an escape: kept as written.
  EXPECT_EQ(unescape_mountinfo_path("/short\\04"), "/short\\04");
  EXPECT_EQ(unescape_mountinfo_path("/notoctal\\089"), "/notoctal\\089");
  EXPECT_EQ(unescape_mountinfo_path("/trailing\\"), "/trailing\\");
}

TEST(Mountinfo, FindsTheMountPointField) {
  const std::string text =
      "22 27 0:21 / /proc rw,relatime - proc proc rw\n"
      "40 27 0:39 / /var/lib/kubelet/pods/u/volumes/kubernetes.io~csi/v\\040x/mount rw - tmpfs "
      "tmpfs rw,size=64k\n"
      "41 27 0:40 /sub /bound rw - ext4 /dev/sda1 rw\n"
      "malformed line\n"
      "\n";
  EXPECT_TRUE(mountinfo_has_mount_point(text, "/proc"));
  EXPECT_TRUE(mountinfo_has_mount_point(
      text, "/var/lib/kubelet/pods/u/volumes/kubernetes.io~csi/v x/mount"));
  EXPECT_TRUE(mountinfo_has_mount_point(text, "/bound"));
  EXPECT_FALSE(mountinfo_has_mount_point(text, "/sub"));  // the root field, not a mount point
  EXPECT_FALSE(mountinfo_has_mount_point(text, "/pro"));
  EXPECT_FALSE(mountinfo_has_mount_point(text, "/proc/self"));
  EXPECT_FALSE(mountinfo_has_mount_point(text, "line"));
  EXPECT_FALSE(mountinfo_has_mount_point("", "/"));
}

TEST(Mountinfo, AgreesWithTheKernelForPathsThatNeedEscaping) {
  testing::TempDir temp;
  const fs::path odd = temp.path() / "with space\tand\\backslash";
  const fs::path plain = temp.path() / "plain";
  fs::create_directory(odd);
  fs::create_directory(plain);
  ASSERT_EQ(::mount("tmpfs", odd.c_str(), "tmpfs", 0, "size=65536"), 0) << std::strerror(errno);

  const std::string text = testing::mountinfo_text();
  EXPECT_TRUE(mountinfo_has_mount_point(text, odd.string()));
  EXPECT_FALSE(mountinfo_has_mount_point(text, plain.string()));
  EXPECT_FALSE(mountinfo_has_mount_point(text, temp.path().string()));
}

// The whole fallback on real mounts: a tmpfs, a bind mount of the same filesystem, a path
// reached through a symlinked parent, a trailing slash, and a symlink to a mount point.
TEST(Mountinfo, FallbackCheckMatchesRealMounts) {
  testing::TempDir temp;
  const fs::path volume = temp.path() / "volume";
  const fs::path source = temp.path() / "source";
  const fs::path bound = temp.path() / "bound";
  const fs::path plain = temp.path() / "plain";
  for (const fs::path& dir : {volume, source, bound, plain}) fs::create_directory(dir);
  ASSERT_EQ(::mount("tmpfs", volume.c_str(), "tmpfs", 0, "size=65536"), 0) << std::strerror(errno);
  ASSERT_EQ(::mount(source.c_str(), bound.c_str(), nullptr, MS_BIND, nullptr), 0)
      << std::strerror(errno);
  fs::create_directory_symlink(temp.path(), temp.path() / "alias");
  fs::create_directory_symlink(volume, temp.path() / "volume-link");

  EXPECT_TRUE(mountinfo_lists_mount_point(volume));
  EXPECT_TRUE(mountinfo_lists_mount_point(bound));
  EXPECT_TRUE(mountinfo_lists_mount_point(temp.path() / "alias" / "volume"));
  EXPECT_TRUE(mountinfo_lists_mount_point(volume.string() + "/"));
  EXPECT_FALSE(mountinfo_lists_mount_point(plain));
  EXPECT_FALSE(mountinfo_lists_mount_point(source));
  EXPECT_FALSE(mountinfo_lists_mount_point(temp.path() / "volume-link"));
  EXPECT_TRUE(mountinfo_lists_mount_point("/"));
}

}  // namespace
}  // namespace sscsi::mount
