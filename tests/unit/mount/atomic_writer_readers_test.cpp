// Readers racing the writer: during 200 swaps, a reader that snapshots `..data` only ever sees
// one whole version, and a reader going through the user-visible links only ever sees whole
// files; neither ever sees a version older than one it already saw.

#include <fcntl.h>
#include <unistd.h>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <atomic>
#include <cerrno>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "mount/atomic_writer.h"
#include "test_support.h"

namespace sscsi::mount {
namespace {

namespace fs = std::filesystem;

constexpr int kSwaps = 200;
constexpr std::size_t kTagSize = 6;  // "v0123|"

struct FileShape {
  const char* path;
  std::size_t size;
};
const std::vector<FileShape> kShapes = {
    {"a", 6}, {"b/c", 1024 * 6}, {"b/d/e", 16 * 1024 * 6}, {"f", 100 * 6}};

std::vector<PayloadFile> version(int n) {
  const std::string tag = fmt::format("v{:04}|", n);
  std::vector<PayloadFile> files;
  for (const FileShape& shape : kShapes) {
    std::string content;
    while (content.size() < shape.size) content += tag;
    files.push_back(testing::file(shape.path, content));
  }
  return files;
}

// The version number of a whole file (exactly `size` bytes of one repeated tag), or nullopt.
std::optional<int> whole_version(const std::string& content, std::size_t size) {
  if (content.size() != size || size % kTagSize != 0) return std::nullopt;
  const std::string tag = content.substr(0, kTagSize);
  for (std::size_t at = 0; at < size; at += kTagSize) {
    if (content.compare(at, kTagSize, tag) != 0) return std::nullopt;
  }
  if (tag[0] != 'v' || tag[5] != '|') return std::nullopt;
  return std::stoi(tag.substr(1, 4));
}

// Reads a whole file at `dirfd`/`path`; nullopt with errno set when it cannot be opened.
std::optional<std::string> read_at(int dirfd, const std::string& path) {
  const int fd = ::openat(dirfd, path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  std::string content;
  char buffer[8192];
  for (ssize_t n; (n = ::read(fd, buffer, sizeof buffer)) > 0;) content.append(buffer, n);
  ::close(fd);
  return content;
}

class Findings {
 public:
  void fail(const std::string& what) {
    const std::lock_guard lock(mutex_);
    if (failures_.size() < 10) failures_.push_back(what);
    ++count_;
  }
  int count() const {
    const std::lock_guard lock(mutex_);
    return count_;
  }
  std::string summary() const {
    const std::lock_guard lock(mutex_);
    std::string out;
    for (const std::string& f : failures_) out += f + "\n";
    return out;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<std::string> failures_;
  int count_ = 0;
};

TEST(AtomicWriterReaders, ReadersOnlyEverSeeOneWholeVersion) {
  testing::TmpfsVolume volume(64 * 1024 * 1024);
  const fs::path t = volume.path();
  ASSERT_TRUE(write_payload(t, version(0)).swapped);

  std::atomic<bool> writer_done{false};
  Findings findings;
  std::atomic<int> consistent_passes{0};
  std::atomic<int> vanished_passes{0};
  std::atomic<int> last_snapshot_version{-1};

  // Opens `..data` once per pass (the consistent way to read a kubelet-style volume).
  std::thread snapshot_reader([&] {
    int newest = 0;
    bool final_pass_done = false;
    // Bounded by the findings so that a broken writer fails the test instead of hanging it.
    while (!final_pass_done && findings.count() < 50) {
      const bool after_writer = writer_done.load();
      const int dirfd = ::open((t / "..data").c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      if (dirfd < 0) {
        // ENOENT: `..data` was read just before a swap and its old directory is gone already.
        if (errno == ENOENT) {
          ++vanished_passes;
        } else {
          findings.fail(fmt::format("..data could not be opened: errno {}", errno));
        }
        continue;
      }
      std::vector<int> seen;
      bool vanished = false;
      for (const FileShape& shape : kShapes) {
        const std::optional<std::string> content = read_at(dirfd, shape.path);
        if (!content) {
          // The version was superseded and removed while we read it: retry with the new one.
          if (errno != ENOENT) findings.fail(fmt::format("{}: errno {}", shape.path, errno));
          vanished = true;
          break;
        }
        const std::optional<int> v = whole_version(*content, shape.size);
        if (!v) {
          findings.fail(
              fmt::format("{} is not one whole version ({} bytes)", shape.path, content->size()));
          break;
        }
        seen.push_back(*v);
      }
      ::close(dirfd);
      if (vanished) {
        ++vanished_passes;
        continue;
      }
      if (seen.size() != kShapes.size()) continue;
      bool same = true;
      for (const int v : seen) same = same && v == seen.front();
      if (!same) {
        findings.fail(fmt::format("one pass saw versions {}", fmt::join(seen, ",")));
        continue;
      }
      if (seen.front() < newest) {
        findings.fail(fmt::format("saw version {} after {}", seen.front(), newest));
      }
      newest = seen.front();
      last_snapshot_version = newest;
      ++consistent_passes;
      final_pass_done = after_writer;  // at least one whole pass after the last swap
    }
  });

  // Goes through the user-visible links, one file at a time (files may come from different
  // versions, but each file must be whole and never older than before).
  std::thread link_reader([&] {
    std::vector<int> newest(kShapes.size(), 0);
    while (!writer_done.load()) {
      for (std::size_t i = 0; i < kShapes.size(); ++i) {
        const std::optional<std::string> content = read_at(AT_FDCWD, (t / kShapes[i].path));
        if (!content) {
          // A lookup that resolved `..data` just before a swap may find the old directory
          // already removed; the kubelet layout has the same window.
          if (errno != ENOENT) findings.fail(fmt::format("{}: errno {}", kShapes[i].path, errno));
          continue;
        }
        const std::optional<int> v = whole_version(*content, kShapes[i].size);
        if (!v) {
          findings.fail(fmt::format("{} via its link is not whole ({} bytes)", kShapes[i].path,
                                    content->size()));
          continue;
        }
        if (*v < newest[i]) {
          findings.fail(fmt::format("{} went back from {} to {}", kShapes[i].path, newest[i], *v));
        }
        newest[i] = *v;
      }
    }
  });

  int swaps = 0;
  for (int n = 1; n <= kSwaps; ++n) swaps += write_payload(t, version(n)).swapped ? 1 : 0;
  writer_done = true;
  snapshot_reader.join();
  link_reader.join();

  EXPECT_EQ(swaps, kSwaps);
  EXPECT_EQ(findings.count(), 0) << findings.summary();
  EXPECT_GE(consistent_passes.load(), 1);
  EXPECT_EQ(last_snapshot_version.load(), kSwaps);
  // Exactly one version is left on the volume.
  EXPECT_EQ(testing::entries_of(t).size(), 5u);  // ..data, its directory, a, b, f
  RecordProperty("consistent_passes", consistent_passes.load());
  RecordProperty("vanished_passes", vanished_passes.load());
}

}  // namespace
}  // namespace sscsi::mount
