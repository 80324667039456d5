#pragma once
// Helpers for the mount engine tests: temporary directories that clean up after themselves
// (mounts included, also when a test fails half-way), real tmpfs mounts, payload builders.

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "mount/payload.h"

namespace sscsi::mount::testing {

// A fresh directory under the system temp dir. Its destructor detaches every mount below it
// (deepest first) and removes everything.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// A tmpfs of `size_bytes` mounted (with plain mount(2), independent of the code under test) on
// <temp>/volume. Unmounted by the TempDir cleanup.
class TmpfsVolume {
 public:
  explicit TmpfsVolume(std::uint64_t size_bytes = 16 * 1024 * 1024);
  const std::filesystem::path& path() const { return volume_; }
  const std::filesystem::path& temp() const { return temp_.path(); }

 private:
  TempDir temp_;
  std::filesystem::path volume_;
};

// Sets the process umask for the lifetime of the object.
class ScopedUmask {
 public:
  explicit ScopedUmask(unsigned mask);
  ~ScopedUmask();
  ScopedUmask(const ScopedUmask&) = delete;
  ScopedUmask& operator=(const ScopedUmask&) = delete;

 private:
  unsigned previous_;
};

SecretBytes bytes(std::string_view text);
std::string text(const SecretBytes& data);
PayloadFile file(std::string path, std::string_view content, std::uint32_t mode = 0644);

// Reads a whole file (following symlinks); throws std::runtime_error naming the path.
std::string read_text(const std::filesystem::path& path);
void write_text(const std::filesystem::path& path, std::string_view content);

// Permission bits (0..07777) of `path`, not following a final symlink.
std::uint32_t mode_of(const std::filesystem::path& path);

// The names directly inside `dir`, sorted.
std::vector<std::string> entries_of(const std::filesystem::path& dir);

// The text of /proc/self/mountinfo.
std::string mountinfo_text();

// The mountinfo line whose mount point is `path`, or "" when there is none.
std::string mountinfo_line_for(const std::filesystem::path& path);

}  // namespace sscsi::mount::testing
