// Races against someone who swaps a directory for a symlink while the mount engine works on it:
// the tmpfs must land on the directory that was checked and tree removal must never follow the
// link. The swapping thread stands in for an attacker with write access to the parent.

#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <random>
#include <string>
#include <thread>

#include "mount/error.h"
#include "mount/platform.h"
#include "test_support.h"

namespace sscsi::mount {
namespace {

namespace fs = std::filesystem;
using testing::TempDir;

// A mount that follows the path is caught within a few rounds; a removal that follows a link
// between its check and its open (a window of about a microsecond) in about one run of four.
constexpr int kMountRounds = 300;
constexpr int kRemovalRounds = 500;

// Whether to run another round: at least `min_rounds`, then on while the race has not been met,
// for at most a minute. On a busy machine the swapper can sit off the CPU for many rounds.
class Rounds {
 public:
  explicit Rounds(int min_rounds) : min_rounds_(min_rounds) {}
  bool more(int round, bool met) const {
    return round < min_rounds_ || (!met && std::chrono::steady_clock::now() < give_up_);
  }

 private:
  int min_rounds_;
  std::chrono::steady_clock::time_point give_up_ =
      std::chrono::steady_clock::now() + std::chrono::minutes(1);
};

void spin_for(std::chrono::microseconds pause) {
  const auto until = std::chrono::steady_clock::now() + pause;
  while (std::chrono::steady_clock::now() < until) {
  }
}

// A random pause before the code under test starts, so that it meets the swapping at every
// phase rather than right after the first exchange.
void random_pause() {
  thread_local std::mt19937 random{std::random_device{}()};
  spin_for(std::chrono::microseconds(std::uniform_int_distribution<int>{0, 30}(random)));
}

// Swaps `dir` with `link`, a symlink to `decoy`, and back until stopped, each time in one atomic
// step (renameat2 RENAME_EXCHANGE), so that every lookup of `dir` meets either the directory or
// the link. Stops early when an exchange fails (a directory that became a mount point cannot be
// moved: EBUSY); then `dir` may be left as the link and the directory at `link`.
class Swapper {
 public:
  Swapper(fs::path dir, fs::path link, const fs::path& decoy)
      : dir_(std::move(dir)), link_(std::move(link)) {
    fs::create_symlink(decoy, link_);
    thread_ = std::thread([this] { run(); });
    while (!started_ && !stop_) std::this_thread::yield();
  }
  ~Swapper() { stop(); }
  void stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }

 private:
  bool exchange() {
    return ::renameat2(AT_FDCWD, dir_.c_str(), AT_FDCWD, link_.c_str(), RENAME_EXCHANGE) == 0;
  }
  // Keeps each state for a few microseconds, so that the code under test meets both.
  void hold() { spin_for(std::chrono::microseconds(pause_(random_))); }
  void run() {
    while (!stop_) {
      if (!exchange()) return;
      started_ = true;
      hold();
      if (!exchange()) return;
      hold();
    }
  }

  fs::path dir_;
  fs::path link_;
  std::mt19937 random_{std::random_device{}()};
  std::uniform_int_distribution<int> pause_{0, 10};
  std::atomic<bool> started_{false};
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

// Puts the directory back at `dir` and removes the link, whichever state the swapper left.
void restore(const fs::path& dir, const fs::path& link) {
  if (fs::is_symlink(dir)) {
    ASSERT_EQ(::renameat2(AT_FDCWD, dir.c_str(), AT_FDCWD, link.c_str(), RENAME_EXCHANGE), 0);
  }
  fs::remove(link);
}

TEST(SwapRace, TmpfsLandsOnTheCheckedDirectoryNeverOnTheSymlinksTarget) {
  TempDir temp;
  const fs::path target = temp.path() / "target";
  const fs::path link = temp.path() / "link";
  const fs::path decoy = temp.path() / "decoy";
  fs::create_directory(decoy);
  int mounted = 0;
  int refused = 0;
  const Rounds rounds(kMountRounds);
  for (int round = 0; rounds.more(round, mounted > 0 && refused > 0); ++round) {
    fs::create_directory(target);
    Swapper swapper(target, link, decoy);
    random_pause();
    try {
      platform::mount_tmpfs(target, 64 * 1024);
      ++mounted;
    } catch (const Error&) {
      ++refused;  // caught while the path was the symlink
    }
    swapper.stop();
    ASSERT_FALSE(platform::is_mount_point(decoy)) << "round " << round;
    if (!platform::unmount(target)) platform::unmount(link);
    restore(target, link);
    fs::remove(target);
  }
  EXPECT_GT(mounted, 0);
  EXPECT_GT(refused, 0);  // the race was met, not only the quiet moments
  RecordProperty("mounted", mounted);
  RecordProperty("refused", refused);
}

TEST(SwapRace, TreeRemovalNeverEmptiesTheSymlinksTarget) {
  TempDir temp;
  const fs::path tree = temp.path() / "tree";
  const fs::path link = temp.path() / "link";
  const fs::path decoy = temp.path() / "decoy";
  fs::create_directory(decoy);
  for (int i = 0; i < 20; ++i) testing::write_text(decoy / std::to_string(i), "keep");
  int interrupted = 0;
  const Rounds rounds(kRemovalRounds);
  for (int round = 0; rounds.more(round, interrupted > 0); ++round) {
    fs::create_directories(tree / "dir" / "deeper");
    for (int i = 0; i < 5; ++i) {
      testing::write_text(tree / "dir" / std::to_string(i), "go");
      testing::write_text(tree / "dir" / "deeper" / std::to_string(i), "go");
    }
    {
      // The link lives outside the tree: the removal must not end the swapping early.
      Swapper swapper(tree / "dir" / "deeper", link, decoy);
      random_pause();
      try {
        platform::remove_tree(tree);
      } catch (const Error&) {
        ++interrupted;  // the swap was seen: refused, not followed
      }
    }
    platform::remove_tree(tree);  // what the race left: a link is removed, not followed
    platform::remove_tree(link);  // the directory, if the swapping stopped half-way
    ASSERT_FALSE(fs::exists(tree)) << "round " << round;
    ASSERT_EQ(testing::entries_of(decoy).size(), 20u) << "round " << round;
  }
  EXPECT_GT(interrupted, 0);  // the race was met
  RecordProperty("interrupted", interrupted);
}

TEST(RemoveTree, RemovesFilesDirectoriesAndLinksWithoutFollowingThem) {
  TempDir temp;
  const fs::path tree = temp.path() / "tree";
  const fs::path outside = temp.path() / "outside";
  fs::create_directories(tree / "a" / "b");
  fs::create_directory(outside);
  testing::write_text(outside / "kept", "x");
  testing::write_text(tree / "a" / "b" / "file", "x");
  fs::create_symlink(outside, tree / "a" / "dir-link");
  fs::create_symlink(outside / "kept", tree / "a" / "b" / "file-link");
  ::chmod((tree / "a" / "b").c_str(), 0500);  // root removes through missing write permission

  platform::remove_tree(tree);
  EXPECT_FALSE(fs::exists(tree));
  EXPECT_EQ(testing::entries_of(outside), std::vector<std::string>{"kept"});

  platform::remove_tree(temp.path() / "missing");  // not an error
  platform::remove_tree(temp.path() / "missing" / "deeper");
  testing::write_text(temp.path() / "plain", "x");
  platform::remove_tree(temp.path() / "plain");
  EXPECT_FALSE(fs::exists(temp.path() / "plain"));
}

TEST(RemoveTree, ALinkGivenAsTheTreeIsRemovedItself) {
  TempDir temp;
  fs::create_directory(temp.path() / "real");
  testing::write_text(temp.path() / "real" / "kept", "x");
  fs::create_symlink(temp.path() / "real", temp.path() / "link");
  platform::remove_tree(temp.path() / "link");
  EXPECT_FALSE(fs::is_symlink(temp.path() / "link"));
  EXPECT_TRUE(fs::exists(temp.path() / "real" / "kept"));
}

}  // namespace
}  // namespace sscsi::mount
