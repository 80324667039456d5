#include "test_support.h"

#include <sys/mount.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <sstream>
#include <stdexcept>

#include "mount/mountinfo.h"

namespace sscsi::mount::testing {

namespace fs = std::filesystem;

namespace {

// The unescaped mount point (fifth field) of a mountinfo line.
std::string mount_point_of(const std::string& line) {
  std::istringstream fields(line);
  std::string field;
  for (int i = 0; i < 5; ++i) fields >> field;
  return unescape_mountinfo_path(field);
}

// Mount points at or below `root`, deepest first.
std::vector<std::string> mounts_below(const std::string& root) {
  std::vector<std::string> found;
  std::istringstream lines(mountinfo_text());
  for (std::string line; std::getline(lines, line);) {
    const std::string point = mount_point_of(line);
    if (point == root || point.starts_with(root + "/")) found.push_back(point);
  }
  std::sort(found.begin(), found.end(),
            [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
  return found;
}

}  // namespace

TempDir::TempDir() {
  std::string pattern = (fs::temp_directory_path() / "sscsi-mount-test.XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) {
    throw std::runtime_error("mkdtemp failed: " + std::string(std::strerror(errno)));
  }
  path_ = fs::canonical(pattern);
}

TempDir::~TempDir() {
  // Several stacked mounts may sit on one point; detach until none is left.
  for (int round = 0; round < 8; ++round) {
    const std::vector<std::string> mounts = mounts_below(path_.string());
    if (mounts.empty()) break;
    for (const std::string& point : mounts) ::umount2(point.c_str(), MNT_DETACH);
  }
  std::error_code ignored;
  fs::remove_all(path_, ignored);
}

TmpfsVolume::TmpfsVolume(std::uint64_t size_bytes) : volume_(temp_.path() / "volume") {
  fs::create_directory(volume_);
  const std::string options = "size=" + std::to_string(size_bytes) + ",mode=0755";
  if (::mount("tmpfs", volume_.c_str(), "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC,
              options.c_str()) != 0) {
    throw std::runtime_error("cannot mount a tmpfs for the test at " + volume_.string() + ": " +
                             std::strerror(errno) + " (these tests must run as root)");
  }
}

ScopedUmask::ScopedUmask(unsigned mask) : previous_(::umask(static_cast<mode_t>(mask))) {}
ScopedUmask::~ScopedUmask() { ::umask(static_cast<mode_t>(previous_)); }

SecretBytes bytes(std::string_view content) { return SecretBytes(content.begin(), content.end()); }

std::string text(const SecretBytes& data) { return std::string(data.begin(), data.end()); }

PayloadFile file(std::string path, std::string_view content, std::uint32_t mode) {
  return PayloadFile{std::move(path), mode, bytes(content)};
}

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

void write_text(const fs::path& path, std::string_view content) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
  if (!out) throw std::runtime_error("cannot write " + path.string());
}

std::uint32_t mode_of(const fs::path& path) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) throw std::runtime_error("cannot stat " + path.string());
  return static_cast<std::uint32_t>(st.st_mode) & 07777;
}

std::vector<std::string> entries_of(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir)) {
    names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::string mountinfo_text() { return read_text("/proc/self/mountinfo"); }

std::string mountinfo_line_for(const fs::path& path) {
  std::istringstream lines(mountinfo_text());
  for (std::string line; std::getline(lines, line);) {
    if (mount_point_of(line) == path.string()) return line;
  }
  return "";
}

}  // namespace sscsi::mount::testing
