// The atomic writer on a real tmpfs: kubelet layout, exact modes, skip when unchanged, swaps on
// byte, mode and path-set changes, stale and foreign entries, limits, failures that leave the
// previous version intact.

#include <sys/stat.h>

#include <gtest/gtest.h>
#include <algorithm>
#include <chrono>
#include <filesystem>

#include "mount/atomic_writer.h"
#include "mount/error.h"
#include "test_support.h"

namespace sscsi::mount {
namespace {

namespace fs = std::filesystem;
using testing::entries_of;
using testing::file;
using testing::mode_of;
using testing::read_text;
using testing::TmpfsVolume;

// `names` sorted, to compare with entries_of.
std::vector<std::string> sorted(std::vector<std::string> names) {
  std::sort(names.begin(), names.end());
  return names;
}

std::string data_link(const fs::path& target) { return fs::read_symlink(target / "..data"); }

// Throws unless write_payload fails; returns the error.
Error write_error(const fs::path& target, const std::vector<PayloadFile>& files,
                  const WriteLimits& limits = {}) {
  try {
    write_payload(target, files, limits);
  } catch (const Error& error) {
    return error;
  }
  throw std::runtime_error("write_payload succeeded but should have failed");
}

std::vector<PayloadFile> version(const std::string& tag) {
  return {file("a", "a-" + tag), file("b/c/d", "d-" + tag, 0600), file("b/e", "e-" + tag)};
}

TEST(AtomicWriter, FirstWriteHasTheKubeletLayout) {
  TmpfsVolume volume;
  const fs::path t = volume.path();
  const auto before = std::chrono::system_clock::now();
  const WriteResult result = write_payload(t, version("1"));
  EXPECT_TRUE(result.swapped);

  const std::string current = data_link(t);
  EXPECT_EQ(current, result.version_dir);
  // ..YYYY_MM_DD_HH_MM_SS.<digits>, checked character by character (std::regex trips a
  // gcc 12 warning under the sanitizers).
  const std::string shape = "..dddd_dd_dd_dd_dd_dd.";
  ASSERT_GT(current.size(), shape.size()) << current;
  for (std::size_t i = 0; i < current.size(); ++i) {
    const char want = i < shape.size() ? shape[i] : 'd';
    const bool ok = want == 'd' ? (current[i] >= '0' && current[i] <= '9') : current[i] == want;
    EXPECT_TRUE(ok) << current << " at " << i;
  }
  // The timestamp is UTC and about now.
  const auto number = [&](std::size_t at, std::size_t n) {
    return std::stoi(current.substr(at, n));
  };
  std::tm parts{};
  parts.tm_year = number(2, 4) - 1900;
  parts.tm_mon = number(7, 2) - 1;
  parts.tm_mday = number(10, 2);
  parts.tm_hour = number(13, 2);
  parts.tm_min = number(16, 2);
  parts.tm_sec = number(19, 2);
  const auto stamped = std::chrono::system_clock::from_time_t(timegm(&parts));
  EXPECT_LE(std::chrono::abs(stamped - before), std::chrono::minutes(5));

  EXPECT_EQ(entries_of(t), sorted({"..data", current, "a", "b"}));
  EXPECT_EQ(fs::read_symlink(t / "a"), "..data/a");
  EXPECT_EQ(fs::read_symlink(t / "b"), "..data/b");
  EXPECT_EQ(read_text(t / "a"), "a-1");
  EXPECT_EQ(read_text(t / "b/c/d"), "d-1");
  EXPECT_EQ(read_text(t / "b/e"), "e-1");
  EXPECT_TRUE(fs::is_directory(fs::symlink_status(t / current / "b" / "c")));
  EXPECT_EQ(entries_of(t / current), (std::vector<std::string>{"a", "b"}));
}

TEST(AtomicWriter, ModesAreExactWhateverTheUmask) {
  TmpfsVolume volume;
  const fs::path t = volume.path();
  const testing::ScopedUmask umask(077);
  write_payload(t, {file("rw", "x", 0644), file("exec", "x", 0755), file("ro", "x", 0400),
                    file("none", "x", 0), file("all", "x", 0777), file("d1/d2/f", "x", 0640)});
  const fs::path v = t / data_link(t);
  EXPECT_EQ(mode_of(v / "rw"), 0644u);
  EXPECT_EQ(mode_of(v / "exec"), 0755u);
  EXPECT_EQ(mode_of(v / "ro"), 0400u);
  EXPECT_EQ(mode_of(v / "none"), 0u);
  EXPECT_EQ(mode_of(v / "all"), 0777u);
  EXPECT_EQ(mode_of(v / "d1/d2/f"), 0640u);
  EXPECT_EQ(mode_of(v), 0755u);
  EXPECT_EQ(mode_of(v / "d1"), 0755u);
  EXPECT_EQ(mode_of(v / "d1/d2"), 0755u);
}

TEST(AtomicWriter, UnchangedContentIsNotWritten) {
  TmpfsVolume volume;
  const fs::path t = volume.path();
  const WriteResult first = write_payload(t, version("1"));
  struct stat before {};
  ASSERT_EQ(::stat((t / first.version_dir).c_str(), &before), 0);

  const WriteResult second = write_payload(t, version("1"));
  EXPECT_FALSE(second.swapped);
  EXPECT_EQ(second.version_dir, first.version_dir);
  EXPECT_EQ(data_link(t), first.version_dir);
  struct stat after {};
  ASSERT_EQ(::stat((t / first.version_dir).c_str(), &after), 0);
  EXPECT_EQ(after.st_ino, before.st_ino);

  // The order of the files does not matter.
  std::vector<PayloadFile> reversed = version("1");
  std::reverse(reversed.begin(), reversed.end());
  EXPECT_FALSE(write_payload(t, reversed).swapped);
}

TEST(AtomicWriter, ChangedBytesSwapAndRemoveTheOldVersion) {
  TmpfsVolume volume;
  const fs::path t = volume.path();
  const WriteResult first = write_payload(t, version("1"));
  const WriteResult second = write_payload(t, version("2"));
  EXPECT_TRUE(second.swapped);
  EXPECT_NE(second.version_dir, first.version_dir);
  EXPECT_EQ(data_link(t), second.version_dir);
  EXPECT_FALSE(fs::exists(t / first.version_dir));
  EXPECT_EQ(read_text(t / "b/c/d"), "d-2");
  EXPECT_EQ(entries_of(t), sorted({"..data", second.version_dir, "a", "b"}));
}

TEST(AtomicWriter, ModeOnlyChangeIsWritten) {
  TmpfsVolume volume;
  const fs::path t = volume.path();
  write_payload(t, {file("a", "same", 0644)});
  const WriteResult second = write_payload(t, {file("a", "same", 0600)});
  EXPECT_TRUE(second.swapped);
  EXPECT_EQ(mode_of(t / second.version_dir / "a"), 0600u);
}

TEST(AtomicWriter, StaleTopLevelEntriesAreRemoved) {
  TmpfsVolume volume;
  const fs::path t = volume.path();
  write_payload(t, {file("keep", "1"), file("gone", "1"), file("dir/x", "1"), file("dir/y", "1")});
  const WriteResult second =
      write_payload(t, {file("keep", "1"), file("dir/x", "1"), file("new/z", "1")});
  EXPECT_TRUE(second.swapped);
  EXPECT_EQ(entries_of(t), sorted({"..data", second.version_dir, "dir", "keep", "new"}));
  EXPECT_FALSE(fs::exists(t / "dir/y"));
  EXPECT_EQ(read_text(t / "new/z"), "1");

  const WriteResult empty = write_payload(t, {});
  EXPECT_TRUE(empty.swapped);
  EXPECT_EQ(entries_of(t), sorted({"..data", empty.version_dir}));
  EXPECT_TRUE(entries_of(t / empty.version_dir).empty());
}

TEST(AtomicWriter, ForeignEntriesAreLeftAlone) {
  TmpfsVolume volume;
  const fs::path t = volume.path();
  testing::write_text(t / "foreign.txt", "not ours");
  fs::create_directory(t / "foreign-dir");
  fs::create_symlink("/etc", t / "foreign-link");
  fs::create_symlink("..data/elsewhere", t / "mislinked");  // not <name> -> ..data/<name>

  write_payload(t, {file("a", "1")});
  const WriteResult second = write_payload(t, {file("b", "2")});
  EXPECT_EQ(entries_of(t), sorted({"..data", second.version_dir, "b", "foreign-dir", "foreign-link",
                                   "foreign.txt", "mislinked"}));
  EXPECT_EQ(read_text(t / "foreign.txt"), "not ours");
}

TEST(AtomicWriter, ACollisionWithAForeignEntryChangesNothing) {
  TmpfsVolume volume;
  const fs::path t = volume.path();
  const WriteResult first = write_payload(t, {file("a", "1")});
  testing::write_text(t / "cfg", "not ours");
  const std::vector<std::string> before = entries_of(t);

  const Error error = write_error(t, {file("a", "2"), file("cfg/x", "2")});
  const std::string message = error.what();
  EXPECT_NE(message.find("\"cfg\""), std::string::npos) << message;
  EXPECT_NE(message.find("not written by sscsi"), std::string::npos) << message;
  EXPECT_NE(message.find("a regular file"), std::string::npos) << message;
  EXPECT_EQ(entries_of(t), before);
  EXPECT_EQ(data_link(t), first.version_dir);
  EXPECT_EQ(read_text(t / "a"), "1");
  EXPECT_EQ(read_text(t / "cfg"), "not ours");
}

TEST(AtomicWriter, RefusedPayloadsChangeNothing) {
  TmpfsVolume volume;
  const fs::path t = volume.path();
  const WriteResult first = write_payload(t, {file("a", "1")});
  const std::vector<std::string> before = entries_of(t);

  const std::string files_limit =
      write_error(t, {file("a", "2"), file("b", "2"), file("c", "2")}, {.max_files = 2}).what();
  EXPECT_NE(files_limit.find("more than the limit of 2 files"), std::string::npos);
  const std::string bytes_limit =
      write_error(t, {file("a", "0123456789x")}, {.max_total_bytes = 10}).what();
  EXPECT_NE(bytes_limit.find("more than the limit of 10 bytes"), std::string::npos);
  write_error(t, {file("a", "2"), file("a/b", "2")});
  write_error(t, {file("../a", "2")});
  write_error(t, {file("a", "2", 04755)});

  EXPECT_EQ(entries_of(t), before);
  EXPECT_EQ(data_link(t), first.version_dir);
  EXPECT_EQ(read_text(t / "a"), "1");
}

TEST(AtomicWriter, AFullVolumeKeepsThePreviousVersion) {
  TmpfsVolume volume(128 * 1024);
  const fs::path t = volume.path();
  const WriteResult first = write_payload(t, {file("a", std::string(8 * 1024, '1'))});
  const std::vector<std::string> before = entries_of(t);

  const Error error = write_error(
      t, {file("a", std::string(8 * 1024, '2')), file("big", std::string(256 * 1024, '2'))});
  EXPECT_EQ(error.sys_errno(), ENOSPC);
  EXPECT_NE(std::string(error.what()).find("the volume is full"), std::string::npos);
  EXPECT_EQ(entries_of(t), before);  // the half-built version directory is gone
  EXPECT_EQ(data_link(t), first.version_dir);
  EXPECT_EQ(read_text(t / "a"), std::string(8 * 1024, '1'));

  // And the volume is usable again afterwards.
  EXPECT_TRUE(write_payload(t, {file("a", "small")}).swapped);
  EXPECT_EQ(read_text(t / "a"), "small");
}

TEST(AtomicWriter, LeftoversOfACrashedWriteAreCleanedUp) {
  TmpfsVolume volume;
  const fs::path t = volume.path();
  const WriteResult first = write_payload(t, {file("a", "1")});
  const std::string orphan = "..2020_01_01_00_00_00.42";
  fs::create_directory(t / orphan);
  testing::write_text(t / orphan / "a", "half");
  fs::create_symlink(orphan, t / "..data_tmp");
  fs::create_directory(t / "..unknown");  // bookkeeping-looking but not ours: kept

  const WriteResult unchanged = write_payload(t, {file("a", "1")});
  EXPECT_FALSE(unchanged.swapped);
  EXPECT_EQ(entries_of(t), sorted({"..data", first.version_dir, "..unknown", "a"}));
  const WriteResult second = write_payload(t, {file("a", "2")});
  EXPECT_TRUE(second.swapped);
  EXPECT_EQ(entries_of(t), sorted({"..data", second.version_dir, "..unknown", "a"}));
}

TEST(AtomicWriter, MissingUserLinksAreRepairedWithoutASwap) {
  TmpfsVolume volume;
  const fs::path t = volume.path();
  const WriteResult first = write_payload(t, {file("a", "1"), file("b", "1")});
  fs::remove(t / "b");
  const WriteResult second = write_payload(t, {file("a", "1"), file("b", "1")});
  EXPECT_FALSE(second.swapped);
  EXPECT_EQ(fs::read_symlink(t / "b"), "..data/b");
}

TEST(AtomicWriter, ATamperedDataLinkIsRefused) {
  TmpfsVolume volume;
  const fs::path t = volume.path();
  fs::create_directory(t / "..data");
  const std::string message = write_error(t, {file("a", "1")}).what();
  EXPECT_NE(message.find("not a symlink to a version directory"), std::string::npos) << message;

  fs::remove(t / "..data");
  fs::create_symlink("/etc", t / "..data");
  const std::string escaped = write_error(t, {file("a", "1")}).what();
  EXPECT_NE(escaped.find("not a version directory of this volume"), std::string::npos) << escaped;
}

TEST(AtomicWriter, TargetMustBeADirectory) {
  testing::TempDir temp;
  EXPECT_NE(std::string(write_error(temp.path() / "missing", {file("a", "1")}).what())
                .find("does not exist"),
            std::string::npos);
  testing::write_text(temp.path() / "plain", "x");
  EXPECT_NE(std::string(write_error(temp.path() / "plain", {file("a", "1")}).what())
                .find("not a directory"),
            std::string::npos);
}

}  // namespace
}  // namespace sscsi::mount
