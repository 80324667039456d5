// Reading a volume back (for Secret sync) and clearing it before unmount.

#include <gtest/gtest.h>
#include <filesystem>

#include "mount/atomic_writer.h"
#include "mount/error.h"
#include "mount/volume_contents.h"
#include "test_support.h"

namespace sscsi::mount {
namespace {

namespace fs = std::filesystem;
using testing::bytes;
using testing::entries_of;
using testing::file;

TEST(VolumeContents, ReadsBackTheCurrentVersion) {
  testing::TmpfsVolume volume;
  const fs::path t = volume.path();
  EXPECT_TRUE(read_volume(t).empty());  // nothing written yet

  write_payload(t, {file("a", "1"), file("dir/b", "2", 0600), file("dir/sub/c", "", 0400)});
  write_payload(t, {file("a", "one"), file("dir/b", "two", 0640), file("dir/sub/c", "", 0400)});
  const VolumeFiles files = read_volume(t);
  const VolumeFiles expected = {
      {"a", StoredFile{0644, bytes("one")}},
      {"dir/b", StoredFile{0640, bytes("two")}},
      {"dir/sub/c", StoredFile{0400, bytes("")}},
  };
  EXPECT_EQ(files, expected);
}

TEST(VolumeContents, RefusesToFollowASymlinkPlantedInAVersion) {
  testing::TmpfsVolume volume;
  const fs::path t = volume.path();
  const WriteResult written = write_payload(t, {file("a", "1")});
  fs::create_symlink("/etc/passwd", t / written.version_dir / "planted");
  try {
    read_volume(t);
    FAIL() << "read through a planted symlink";
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find("\"planted\""), std::string::npos) << error.what();
  }
  // The writer treats such a version as different and replaces it.
  EXPECT_TRUE(write_payload(t, {file("a", "1")}).swapped);
  EXPECT_EQ(read_volume(t).size(), 1u);
}

TEST(VolumeContents, ClearRemovesOurEntriesAndKeepsForeignOnes) {
  testing::TmpfsVolume volume;
  const fs::path t = volume.path();
  write_payload(t, {file("a", "1"), file("dir/b", "2")});
  testing::write_text(t / "foreign", "not ours");
  fs::create_symlink("..2020_01_01_00_00_00.1", t / "..data_tmp");

  clear_volume(t);
  EXPECT_EQ(entries_of(t), (std::vector<std::string>{"foreign"}));
  EXPECT_TRUE(read_volume(t).empty());

  fs::remove(t / "foreign");
  write_payload(t, {file("a", "1")});
  clear_volume(t);
  EXPECT_TRUE(entries_of(t).empty());
}

TEST(VolumeContents, ClearingAMissingTargetIsNotAnError) {
  testing::TempDir temp;
  EXPECT_NO_THROW(clear_volume(temp.path() / "missing"));
}

}  // namespace
}  // namespace sscsi::mount
