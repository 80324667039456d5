// File-level checks of the loader: the plugin directory, ownership, permissions, symlinks, file
// types, and that a refused or unloaded library leaves nothing behind.

#include <fcntl.h>
#include <fmt/format.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <random>
#include <stdexcept>
#include <thread>
#include <utility>

#include "test_support.h"

namespace sscsi::plugins::testing {
namespace {

namespace fs = std::filesystem;

class PluginLoaderFiles : public LoaderTest {
 protected:
  // Loads the runpath_open_above plugin (search path /tmp/sscsi-open-above/sub/lib) with
  // /tmp/sscsi-open-above world-writable, without the sticky bit, and `inside` created in it.
  // Returns the report and the plugin's path.
  std::pair<LoadReport, fs::path> load_with_open_above(const fs::path& inside) {
    const fs::path above = "/tmp/sscsi-open-above";
    fs::remove_all(above);
    fs::create_directories(above / inside);
    fs::permissions(above, fs::perms(0777));
    const fs::path plugin = dir_.add_plugin("runpath_open_above");
    LoadReport report = load();
    fs::remove_all(above);
    return {std::move(report), plugin};
  }
};

std::string load_error(const LoaderOptions& options) {
  metrics::Registry metrics;
  Registry registry;
  try {
    load_plugins(options, metrics, registry);
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "no exception";
}

TEST_F(PluginLoaderFiles, MissingDirectoryThrows) {
  const fs::path missing = dir_.path() / "missing";
  EXPECT_EQ(load_error({missing, {}}),
            fmt::format("plugin directory {} does not exist", missing.string()));
}

TEST_F(PluginLoaderFiles, DirectoryThatIsAFileThrows) {
  const fs::path file = dir_.write_file("plain", "x");
  EXPECT_EQ(
      load_error({file, {}}),
      fmt::format("plugin directory {} is not a directory (it is a regular file)", file.string()));
}

TEST_F(PluginLoaderFiles, DirectorySymlinkThrows) {
  const fs::path link = dir_.path() / "link";
  fs::create_directory_symlink(dir_.path(), link);
  EXPECT_EQ(load_error({link, {}}),
            fmt::format("plugin directory {} is a symlink; give the real directory so that what "
                        "is checked is what is used",
                        link.string()));
}

TEST_F(PluginLoaderFiles, WorldWritableDirectoryThrows) {
  fs::permissions(dir_.path(), fs::perms(0757));
  EXPECT_EQ(load_error({dir_.path(), {}}),
            fmt::format("plugin directory {} is world-writable (mode 0757); remove that "
                        "permission (chmod o-w)",
                        dir_.path().string()));
}

TEST_F(PluginLoaderFiles, GroupWritableDirectoryThrows) {
  fs::permissions(dir_.path(), fs::perms(0775));
  EXPECT_EQ(load_error({dir_.path(), {}}),
            fmt::format("plugin directory {} is group-writable (mode 0775); remove that "
                        "permission (chmod g-w)",
                        dir_.path().string()));
}

TEST_F(PluginLoaderFiles, DirectoryOwnedByAnotherUserThrows) {
  ASSERT_EQ(::chown(dir_.path().c_str(), 65534, 65534), 0);
  EXPECT_EQ(load_error({dir_.path(), {}}),
            fmt::format("plugin directory {} is owned by uid 65534; it must be owned by root "
                        "(uid 0)",
                        dir_.path().string()));
}

// Whoever may write a directory above the plugin directory could rename it away and put their
// own in its place.
TEST_F(PluginLoaderFiles, ADirectoryAboveOthersMayWriteThrows) {
  const fs::path above = dir_.path() / "above";
  const fs::path plugins = above / "plugins";
  fs::create_directories(plugins);
  fs::permissions(above, fs::perms(0775));
  EXPECT_EQ(load_error({plugins, {}}),
            fmt::format("plugin directory {} is inside {}, which is group-writable (mode 0775); "
                        "remove that permission (chmod g-w)",
                        plugins.string(), above.string()));
  fs::permissions(above, fs::perms(01777));  // sticky, like /tmp: only the owner may rename
  EXPECT_EQ(load_error({plugins, {}}), "no exception");
}

TEST_F(PluginLoaderFiles, EmptyDirectoryLoadsNothing) {
  const LoadReport report = load();
  EXPECT_TRUE(report.loaded.empty());
  EXPECT_TRUE(report.refused.empty());
  EXPECT_TRUE(logs_.lines().empty());
}

TEST_F(PluginLoaderFiles, LoadsAGoodPluginWithOneInfoLine) {
  const fs::path file = dir_.add_plugin("good");
  const LoadReport report = load();
  EXPECT_EQ(report.loaded, std::vector<std::string>{"good"});
  EXPECT_TRUE(report.refused.empty());
  EXPECT_EQ(logs_.count(fmt::format("sscsi|info|loaded provider good version 1.2.3 from {}",
                                    file.string())),
            1u);
  EXPECT_EQ(provider("good").path(), file.string());
  EXPECT_EQ(provider("good").version(), "1.2.3");
}

TEST_F(PluginLoaderFiles, OnlyFilesEndingInSoAreConsidered) {
  dir_.add_plugin("good", "libgood.so.1");
  dir_.add_plugin("good", "libgood.so.disabled");
  dir_.write_file("README", "not a plugin");
  const LoadReport report = load();
  EXPECT_TRUE(report.loaded.empty());
  EXPECT_TRUE(report.refused.empty());
}

TEST_F(PluginLoaderFiles, LoadsInSortedFileNameOrder) {
  dir_.add_plugin("good", "b.so");
  dir_.add_plugin("metrics", "a.so");
  dir_.add_plugin("cancel_aware", "c.so");
  const LoadReport report = load();
  EXPECT_EQ(report.loaded, (std::vector<std::string>{"metrics", "good", "cancel_aware"}));
}

TEST_F(PluginLoaderFiles, WorldWritableFileIsRefused) {
  const fs::path file = dir_.add_plugin("good");
  fs::permissions(file, fs::perms(0757));
  expect_only_refusal(load(), file,
                      "is world-writable (mode 0757); remove that permission (chmod o-w)");
}

TEST_F(PluginLoaderFiles, GroupWritableFileIsRefused) {
  const fs::path file = dir_.add_plugin("good");
  fs::permissions(file, fs::perms(0775));
  expect_only_refusal(load(), file,
                      "is group-writable (mode 0775); remove that permission (chmod g-w)");
}

TEST_F(PluginLoaderFiles, FileOwnedByAnotherUserIsRefused) {
  const fs::path file = dir_.add_plugin("good");
  ASSERT_EQ(::chown(file.c_str(), 65534, 65534), 0);
  expect_only_refusal(load(), file, "is owned by uid 65534; it must be owned by root (uid 0)");
}

TEST_F(PluginLoaderFiles, SymlinkToAFileOutsideTheDirectoryIsRefused) {
  TempDir elsewhere;
  const fs::path target = elsewhere.add_plugin("good");
  const fs::path link = dir_.path() / "libgood.so";
  fs::create_symlink(target, link);
  expect_only_refusal(
      load(), link,
      fmt::format("is a symlink to {}, outside the plugin directory {}; plugins must resolve to "
                  "files inside it",
                  fs::canonical(target).string(), fs::canonical(dir_.path()).string()));
}

TEST_F(PluginLoaderFiles, RelativeSymlinkLeavingTheDirectoryIsRefused) {
  TempDir elsewhere;
  const fs::path target = elsewhere.add_plugin("good");
  const fs::path link = dir_.path() / "libgood.so";
  fs::create_symlink(fs::path("..") / elsewhere.path().filename() / "libgood.so", link);
  expect_only_refusal(
      load(), link,
      fmt::format("is a symlink to {}, outside the plugin directory {}; plugins must resolve to "
                  "files inside it",
                  fs::canonical(target).string(), fs::canonical(dir_.path()).string()));
}

TEST_F(PluginLoaderFiles, SymlinkToAFileInsideTheDirectoryIsAccepted) {
  dir_.add_plugin("good", "libgood.so.1");
  const fs::path link = dir_.path() / "libgood.so";
  fs::create_symlink("libgood.so.1", link);
  const LoadReport report = load();
  EXPECT_EQ(report.loaded, std::vector<std::string>{"good"});
  EXPECT_TRUE(report.refused.empty());
  EXPECT_EQ(provider("good").path(), link.string());
}

TEST_F(PluginLoaderFiles, SymlinkInsideTheDirectoryStillNeedsASafeTarget) {
  const fs::path target = dir_.add_plugin("good", "libgood.so.1");
  fs::permissions(target, fs::perms(0777));
  const fs::path link = dir_.path() / "libgood.so";
  fs::create_symlink("libgood.so.1", link);
  expect_only_refusal(load(), link,
                      "is world-writable (mode 0777); remove that permission (chmod o-w)");
}

TEST_F(PluginLoaderFiles, DanglingSymlinkIsRefused) {
  const fs::path link = dir_.path() / "libgone.so";
  fs::create_symlink("libnothing.so.1", link);
  expect_only_refusal(load(), link,
                      "is a symlink that cannot be resolved: No such file or directory");
}

TEST_F(PluginLoaderFiles, DirectoryNamedSoIsRefused) {
  const fs::path sub = dir_.path() / "x.so";
  fs::create_directory(sub);
  expect_only_refusal(load(), sub, "is not a regular file (it is a directory)");
}

TEST_F(PluginLoaderFiles, FifoNamedSoIsRefusedWithoutBlocking) {
  const fs::path fifo = dir_.path() / "x.so";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0644), 0);
  expect_only_refusal(load(), fifo, "is not a regular file (it is a FIFO)");
}

TEST_F(PluginLoaderFiles, NonElfFileIsRefusedWithTheLinkersMessage) {
  const fs::path file = dir_.write_file(
      "x.so",
      "This is a text file that only pretends to be a shared object by its name.\n"
      "It is long enough that the dynamic linker reads a whole ELF header from it.\n",
      0755);
  expect_only_refusal(load(), file,
                      fmt::format("dlopen failed: {}: invalid ELF header", file.string()));
}

TEST_F(PluginLoaderFiles, TheSameFileUnderTwoNamesIsLoadedOnce) {
  const fs::path first = dir_.add_plugin("good", "alias.so");
  const fs::path second = dir_.path() / "libgood.so";
  fs::create_hard_link(first, second);
  const LoadReport report = load();
  EXPECT_EQ(report.loaded, std::vector<std::string>{"good"});
  ASSERT_EQ(report.refused.size(), 1u);
  EXPECT_EQ(report.refused[0].file, second);
  EXPECT_EQ(report.refused[0].reason,
            fmt::format("is the same file as {}, which is already loaded", first.string()));
  // The refusal must not have unloaded the first one.
  EXPECT_TRUE(provider("good").mount(make_call()).ok);
}

// The file checked is the file loaded: while the loader runs, another thread keeps exchanging
// the good plugin with a world-writable one (renameat2 RENAME_EXCHANGE, atomic). Each round
// loads the good plugin or refuses the world-writable file; the other plugin never loads.
TEST_F(PluginLoaderFiles, AFileSwappedWhileLoadingIsLoadedOnlyIfItWasChecked) {
  const fs::path plugin = dir_.add_plugin("good", "plugin.so");
  const fs::path other = dir_.add_plugin("metrics", "other.not-loaded");
  fs::permissions(other, fs::perms(0777));
  logs_.set_level(spdlog::level::off);
  std::atomic<bool> stop{false};
  std::thread swapper([&] {
    std::mt19937 random{std::random_device{}()};
    while (!stop) {
      ::renameat2(AT_FDCWD, plugin.c_str(), AT_FDCWD, other.c_str(), RENAME_EXCHANGE);
      const auto until =
          std::chrono::steady_clock::now() +
          std::chrono::microseconds(std::uniform_int_distribution<int>{0, 50}(random));
      while (std::chrono::steady_clock::now() < until) {
      }
    }
  });
  int loaded = 0;
  int refused = 0;
  // 200 rounds, then on until both outcomes were seen (for at most a minute): on a busy machine
  // the swapper can sit off the CPU for all of the first 200.
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::minutes(1);
  for (int round = 0;
       round < 200 || ((loaded == 0 || refused == 0) && std::chrono::steady_clock::now() < give_up);
       ++round) {
    registry_.emplace();
    const LoadReport report = load();
    if (report.loaded.empty()) {
      ASSERT_EQ(report.refused.size(), 1u);
      EXPECT_EQ(report.refused[0].reason,
                "is world-writable (mode 0777); remove that permission (chmod o-w)");
      ++refused;
    } else {
      ASSERT_EQ(report.loaded, std::vector<std::string>{"good"}) << "round " << round;
      ++loaded;
    }
  }
  stop = true;
  swapper.join();
  EXPECT_GT(loaded, 0);
  EXPECT_GT(refused, 0);
  RecordProperty("loaded", loaded);
  RecordProperty("refused", refused);
  dir_.keep();  // the last round's plugin stays loaded until the fixture ends
}

// DT_RPATH and DT_RUNPATH name directories the linker searches for the plugin's dependencies:
// whoever may write one of them could hand the host code.
TEST_F(PluginLoaderFiles, ALibrarySearchPathOthersMayWriteIsRefusedAsRunpathOrRpath) {
  for (const char* variant : {"runpath_world_writable", "rpath_world_writable"}) {
    TempDir dir;
    const fs::path file = dir.add_plugin(variant);
    registry_.emplace();
    LoaderOptions options;
    options.plugin_dir = dir.path();
    const LoadReport report = load(options);
    ASSERT_EQ(report.refused.size(), 1u) << variant;
    EXPECT_EQ(report.refused[0].reason,
              "has the library search path entry \"/tmp\", which is world-writable (mode "
              "1777); remove that permission (chmod o-w)")
        << variant;
  }
}

TEST_F(PluginLoaderFiles, AMissingSearchDirectoryOthersCouldCreateIsRefused) {
  ASSERT_FALSE(fs::exists("/tmp/sscsi-no-such-dir"));
  const fs::path file = dir_.add_plugin("runpath_missing");
  expect_only_refusal(load(), file,
                      "has the library search path entry \"/tmp/sscsi-no-such-dir/lib\", which "
                      "does not exist, and /tmp, where it could be created, is world-writable "
                      "(mode 1777); remove that permission (chmod o-w)");
}

// One test for both cases: they share /tmp/sscsi-open-above (the plugin's search path is fixed
// at link time), and ctest runs tests in parallel.
TEST_F(PluginLoaderFiles, ASearchDirectoryBelowOneOthersMayWriteIsRefusedWhetherOrNotItExists) {
  {
    const auto [report, file] = load_with_open_above("sub/lib");
    expect_only_refusal(report, file,
                        "has the library search path entry \"/tmp/sscsi-open-above/sub/lib\", "
                        "which is inside /tmp/sscsi-open-above, which is world-writable (mode "
                        "0777); remove that permission (chmod o-w)");
  }
  // Whoever may replace sub/ may create lib/ in the new one. (The log now holds both refusals,
  // so the report alone is checked.)
  const auto [report, file] = load_with_open_above("sub");
  ASSERT_EQ(report.refused.size(), 1u);
  EXPECT_EQ(report.refused[0].file, file);
  EXPECT_EQ(report.refused[0].reason,
            "has the library search path entry \"/tmp/sscsi-open-above/sub/lib\", which does "
            "not exist, and /tmp/sscsi-open-above/sub is inside /tmp/sscsi-open-above, which is "
            "world-writable (mode 0777); remove that permission (chmod o-w)");
}

TEST_F(PluginLoaderFiles, ARelativeSearchPathIsRefused) {
  const fs::path file = dir_.add_plugin("runpath_relative");
  expect_only_refusal(load(), file,
                      "has the relative library search path entry \"deps\": the linker would "
                      "look for its libraries from the host's working directory; link the "
                      "plugin without it");
}

// Plugins are opened as /proc/self/fd/N, so $ORIGIN is /proc/self/fd: nothing anyone can write.
TEST_F(PluginLoaderFiles, OriginAndSystemSearchPathsAreAccepted) {
  dir_.add_plugin("runpath_origin");
  dir_.add_plugin("runpath_system");
  const LoadReport report = load();
  EXPECT_TRUE(report.refused.empty()) << report.refused[0].reason;
  EXPECT_EQ(report.loaded, (std::vector<std::string>{"runpath_origin", "runpath_system"}));
}

TEST_F(PluginLoaderFiles, AnElfFileWithUnreadableProgramHeadersIsRefusedBeforeTheLinker) {
  const fs::path file = dir_.add_plugin("good");
  // e_phoff (offset 32 in the 64-bit header) pointing far past the end of the file.
  std::fstream elf(file, std::ios::in | std::ios::out | std::ios::binary);
  elf.seekp(32);
  const std::uint64_t far = 1ull << 40;
  elf.write(reinterpret_cast<const char*>(&far), sizeof far);
  elf.close();
  expect_only_refusal(load(), file, "is an ELF file whose program headers cannot be read");
}

TEST_F(PluginLoaderFiles, RefusedLibrariesAreUnloadedAndTheirDescriptorsClosed) {
  for (const char* variant : {"missing_entry", "wrong_major", "newer_minor", "entry_returns_null",
                              "struct_too_small", "missing_mount", "version_empty", "init_fails",
                              "name_invalid", "name_too_long", "unresolved_symbol"}) {
    dir_.add_plugin(variant);
  }
  const std::size_t fds_before = open_fd_count();
  const LoadReport report = load();
  EXPECT_TRUE(report.loaded.empty());
  EXPECT_EQ(report.refused.size(), 11u);
  EXPECT_EQ(mapped_under(dir_.path()), 0u);
  EXPECT_EQ(open_fd_count(), fds_before);
}

TEST_F(PluginLoaderFiles, ShutdownUnloadsLoadedLibraries) {
  dir_.add_plugin("good");
  dir_.add_plugin("metrics");
  const std::size_t fds_before = open_fd_count();
  load();
  EXPECT_GT(mapped_under(dir_.path()), 0u);
  shut_down();
  EXPECT_EQ(mapped_under(dir_.path()), 0u);
  EXPECT_EQ(open_fd_count(), fds_before);
}

}  // namespace
}  // namespace sscsi::plugins::testing
