// The mount state store: round trip, naming, atomic replace, corrupt records skipped, no file
// contents in any record, and dropping records of targets that are no longer mounted.

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <filesystem>

#include "mount/atomic_writer.h"
#include "mount/error.h"
#include "mount/state_store.h"
#include "test_support.h"

namespace sscsi::mount {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using testing::entries_of;
using testing::read_text;
using testing::write_text;

MountRecord record_for(const std::string& target, const std::string& pod = "web-0") {
  MountRecord record;
  record.target_path = target;
  record.volume_id = "vol-" + pod;
  record.pod_namespace = "default";
  record.pod_name = pod;
  record.pod_uid = "uid-" + pod;
  record.service_account = "sa";
  record.secret_provider_class = "spc";
  record.provider = "mock";
  record.objects = {{"secret/a", "1"}};
  record.first_mount = std::chrono::system_clock::time_point{1714564800000ms};
  record.last_refresh = record.first_mount;
  return record;
}

TEST(StateStore, CreatesAPrivateDirectory) {
  testing::TempDir temp;
  const StateStore store(temp.path() / "run" / "sscsi");
  EXPECT_TRUE(fs::is_directory(store.dir()));
  EXPECT_EQ(testing::mode_of(store.dir()), 0700u);
  // An existing directory is used as it is.
  const StateStore again(temp.path() / "run" / "sscsi");
  EXPECT_EQ(again.dir(), store.dir());
}

// A record tells a later unpublish to clear and unmount its target, so whoever may write the
// state directory must be sscsi-host alone.
TEST(StateStore, AnExistingDirectoryOthersMayWriteIsRefused) {
  testing::TempDir temp;
  const fs::path dir = temp.path() / "state";
  fs::create_directory(dir);
  for (const auto& [mode, shown] :
       {std::pair{0775u, "0775"}, std::pair{0703u, "0703"}, std::pair{01777u, "1777"}}) {
    ASSERT_EQ(::chmod(dir.c_str(), mode), 0);
    try {
      const StateStore store(dir);
      ADD_FAILURE() << "mode " << shown << " was accepted";
    } catch (const Error& error) {
      EXPECT_EQ(std::string(error.what()), "the state directory " + dir.string() +
                                               " may be written by others (mode " + shown +
                                               "); chmod go-w it (sscsi creates it as 0700)");
    }
  }
  ASSERT_EQ(::chmod(dir.c_str(), 0755), 0);  // readable by others is fine: records hold no secrets
  EXPECT_NO_THROW(StateStore{dir});
  if (::geteuid() == 0) {  // only root can give a directory away
    ASSERT_EQ(::chown(dir.c_str(), 4321, 4321), 0);
    try {
      const StateStore store(dir);
      ADD_FAILURE() << "a directory of uid 4321 was accepted";
    } catch (const Error& error) {
      EXPECT_EQ(std::string(error.what()),
                "the state directory " + dir.string() +
                    " is owned by uid 4321, not by sscsi-host's user (uid 0); chown it or choose "
                    "another --state-dir");
    }
  }
  const fs::path link = temp.path() / "link";
  fs::create_directory_symlink(dir, link);
  try {
    const StateStore store(link);
    ADD_FAILURE() << "a symlink was accepted";
  } catch (const Error& error) {
    EXPECT_EQ(std::string(error.what()),
              "the state directory " + link.string() + " is a symlink; give the real directory");
  }
}

TEST(StateStore, RoundTripsRecordsNamedByTheHashOfTheTarget) {
  testing::TempDir temp;
  const StateStore store(temp.path() / "state");
  const MountRecord b = record_for("/pods/b/mount", "b");
  const MountRecord a = record_for("/pods/a/mount", "a");
  store.save(b);
  store.save(a);

  EXPECT_EQ(store.load(a.target_path), a);
  EXPECT_EQ(store.load(b.target_path), b);
  EXPECT_EQ(store.load("/pods/none/mount"), std::nullopt);
  const LoadedRecords all = store.load_all();
  EXPECT_TRUE(all.problems.empty());
  EXPECT_EQ(all.records, (std::vector<MountRecord>{a, b}));  // sorted by target

  const fs::path path = store.record_path(a.target_path);
  EXPECT_EQ(path.parent_path(), store.dir());
  // SHA-256 of "/pods/a/mount", so the name is stable across restarts and builds.
  EXPECT_EQ(path.filename(),
            "2afffcced649461a78184e155758d0f310aba0c98fd3e2efbde7417f6c4b043d.json");
  EXPECT_EQ(testing::mode_of(path), 0600u);
}

TEST(StateStore, ReplacesARecordAtomically) {
  testing::TempDir temp;
  const StateStore store(temp.path() / "state");
  MountRecord record = record_for("/pods/a/mount");
  store.save(record);
  const fs::path path = store.record_path(record.target_path);
  const std::string first = read_text(path);

  // A reader that opened the old record keeps reading the whole old record: the new one is a
  // new file renamed over the name, never the old file rewritten in place.
  const int old_fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  ASSERT_GE(old_fd, 0);
  record.objects = {{"secret/a", "2"}};
  record.last_refresh += 2min;
  store.save(record);

  std::string seen_by_old_reader(first.size() + 16, '\0');
  const ssize_t n = ::pread(old_fd, seen_by_old_reader.data(), seen_by_old_reader.size(), 0);
  ::close(old_fd);
  ASSERT_GE(n, 0);
  seen_by_old_reader.resize(static_cast<std::size_t>(n));
  EXPECT_EQ(seen_by_old_reader, first);
  EXPECT_EQ(store.load(record.target_path), record);
  EXPECT_EQ(entries_of(store.dir()).size(), 1u);  // no temporary file left behind
}

TEST(StateStore, CorruptRecordsAreReportedAndSkipped) {
  testing::TempDir temp;
  const StateStore store(temp.path() / "state");
  const MountRecord good = record_for("/pods/good/mount", "good");
  store.save(good);

  const fs::path garbage = store.record_path("/pods/garbage/mount");
  write_text(garbage, "{\"format\": 1, \"target_pa");
  const fs::path empty = store.record_path("/pods/empty/mount");
  write_text(empty, "");
  // A valid record stored under another target's name.
  const fs::path misplaced = store.record_path("/pods/other/mount");
  write_text(misplaced, record_to_json(record_for("/pods/moved/mount")));
  const fs::path huge = store.record_path("/pods/huge/mount");
  write_text(huge, std::string(2 * 1024 * 1024, ' '));
  // Not record names at all: ignored without a problem.
  write_text(store.dir() / "README", "hello");
  write_text(store.dir() / ".0123.json.99.tmp", "{");

  const LoadedRecords all = store.load_all();
  EXPECT_EQ(all.records, (std::vector<MountRecord>{good}));
  ASSERT_EQ(all.problems.size(), 4u);
  const auto reported = [&](const fs::path& path, const std::string& why) {
    for (const std::string& problem : all.problems) {
      if (problem.find(path.string()) != std::string::npos &&
          problem.find(why) != std::string::npos) {
        return true;
      }
    }
    return false;
  };
  EXPECT_TRUE(reported(garbage, "not valid JSON"));
  EXPECT_TRUE(reported(empty, "not valid JSON"));
  EXPECT_TRUE(reported(misplaced, "holds target /pods/moved/mount"));
  EXPECT_TRUE(reported(huge, "more than the 1048576 a record may have"));

  try {
    store.load("/pods/garbage/mount");
    FAIL() << "a corrupt record loaded";
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find("is unusable: not valid JSON"), std::string::npos)
        << error.what();
  }
}

// A kill between a save's write and its rename leaves the temporary file; the next start
// removes exactly those and nothing else in the directory.
TEST(StateStore, AbandonedTemporaryFilesOfSavesAreRemoved) {
  testing::TempDir temp;
  const StateStore store(temp.path() / "state");
  const MountRecord kept = record_for("/pods/kept/mount", "kept");
  store.save(kept);
  const std::string record_name = store.record_path("/pods/killed/mount").filename().string();
  write_text(store.dir() / ("." + record_name + ".12345.tmp"), "{\"format\": 1");
  write_text(store.dir() / ("." + record_name + ".7.tmp"), "");
  // Look alike, but not save()'s names: left alone.
  const std::vector<std::string> others{"." + record_name + ".tmp", "." + record_name + ".x1.tmp",
                                        ".0123.json.99.tmp", record_name + ".5.tmp", "README"};
  for (const std::string& name : others) write_text(store.dir() / name, "x");

  const StateStore::RemovedTemporaries removed = store.remove_abandoned_temporaries();
  EXPECT_EQ(removed.removed, 2u);
  EXPECT_TRUE(removed.problems.empty());
  EXPECT_EQ(entries_of(store.dir()).size(), others.size() + 1);
  for (const std::string& name : others) EXPECT_TRUE(fs::exists(store.dir() / name)) << name;
  EXPECT_EQ(store.load(kept.target_path), kept);
  EXPECT_EQ(store.remove_abandoned_temporaries().removed, 0u);
}

TEST(StateStore, RemoveDeletesOnlyThatRecord) {
  testing::TempDir temp;
  const StateStore store(temp.path() / "state");
  store.save(record_for("/pods/a/mount", "a"));
  store.save(record_for("/pods/b/mount", "b"));
  EXPECT_TRUE(store.remove("/pods/a/mount"));
  EXPECT_FALSE(store.remove("/pods/a/mount"));
  EXPECT_EQ(store.load("/pods/a/mount"), std::nullopt);
  ASSERT_EQ(store.load_all().records.size(), 1u);
  EXPECT_EQ(store.load_all().records[0].pod_name, "b");
}

TEST(StateStore, RefusesARelativeTarget) {
  testing::TempDir temp;
  const StateStore store(temp.path() / "state");
  EXPECT_THROW(store.save(record_for("relative/mount")), Error);
  EXPECT_TRUE(entries_of(store.dir()).empty());
}

TEST(StateStore, RefusesFieldsThatAreNotUtf8) {
  testing::TempDir temp;
  const StateStore store(temp.path() / "state");
  MountRecord record = record_for("/pods/a/mount");
  record.pod_name = "bad\xff";
  try {
    store.save(record);
    FAIL() << "saved a record with invalid UTF-8";
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find("not valid UTF-8"), std::string::npos);
    EXPECT_NE(std::string(error.what()).find("/pods/a/mount"), std::string::npos);
  }
  EXPECT_TRUE(entries_of(store.dir()).empty());
}

TEST(StateStore, RecordsHoldNoFileContents) {
  testing::TmpfsVolume volume;
  const std::string canary = "CANARY-5f2b7c-secret-value";
  write_payload(volume.path(), {testing::file("secret/a", canary)});
  const StateStore store(volume.temp() / "state");
  MountRecord record = record_for(volume.path().string());
  store.save(record);
  record.last_refresh += 1min;
  store.save(record);

  std::size_t files = 0;
  for (const auto& entry : fs::recursive_directory_iterator(store.dir())) {
    if (!entry.is_regular_file()) continue;
    ++files;
    const std::string content = read_text(entry.path());
    EXPECT_NE(content.find(volume.path().string()), std::string::npos);  // the grep works
    EXPECT_EQ(content.find(canary), std::string::npos) << entry.path();
  }
  EXPECT_EQ(files, 1u);
}

TEST(StateStore, DropsRecordsOfTargetsThatAreNoLongerMounted) {
  testing::TmpfsVolume volume;
  const fs::path plain = volume.temp() / "plain";
  fs::create_directory(plain);
  const StateStore store(volume.temp() / "state");
  const MountRecord mounted = record_for(volume.path().string(), "mounted");
  const MountRecord unmounted = record_for(plain.string(), "unmounted");
  const MountRecord gone = record_for((volume.temp() / "gone").string(), "gone");
  for (const MountRecord& r : {mounted, unmounted, gone}) store.save(r);

  const PrunedRecords pruned = drop_unmounted(store, store.load_all().records);
  EXPECT_EQ(pruned.kept, (std::vector<MountRecord>{mounted}));
  EXPECT_EQ(pruned.dropped.size(), 2u);
  EXPECT_TRUE(pruned.problems.empty());
  EXPECT_EQ(store.load_all().records, (std::vector<MountRecord>{mounted}));
}

TEST(StateStore, AFailedMountCheckKeepsTheRecord) {
  testing::TempDir temp;
  const StateStore store(temp.path() / "state");
  const MountRecord record = record_for("/pods/a/mount");
  store.save(record);
  const PrunedRecords pruned =
      drop_unmounted(store, {record}, [](const fs::path&) -> bool { throw Error("EACCES"); });
  EXPECT_EQ(pruned.kept, (std::vector<MountRecord>{record}));
  ASSERT_EQ(pruned.problems.size(), 1u);
  EXPECT_NE(pruned.problems[0].find("kept the record for /pods/a/mount"), std::string::npos);
  EXPECT_EQ(store.load(record.target_path), record);
}

}  // namespace
}  // namespace sscsi::mount
