#include "cloud/confined_file.h"

#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <string_view>
#include <utility>

#include <fmt/format.h>

#include "cloud/path_confinement.h"
#include "common/mount_error.h"
#include "params/go_strings.h"

namespace sscsi::azure {
namespace {

// Go's syscall error strings are strerror's in lower case ("no such file or directory").
std::string go_errno_text(int error) {
  std::string text = std::strerror(error);
  if (!text.empty() && text[0] >= 'A' && text[0] <= 'Z') text[0] = static_cast<char>(text[0] + 32);
  return text;
}

class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) : fd_(fd) {}
  ~FileDescriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  FileDescriptor(FileDescriptor&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  FileDescriptor& operator=(FileDescriptor&& other) noexcept {
    if (this != &other) {
      if (fd_ >= 0) ::close(fd_);
      fd_ = std::exchange(other.fd_, -1);
    }
    return *this;
  }
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

MountError outside(const std::string& path, const std::vector<std::string>& allowed_dirs) {
  return invalid_parameters(fmt::format(
      "cloudEnvFileName {} is outside the directories the azure plugin may read cloud files "
      "from (allowedCloudEnvDirs in its configuration: {})",
      go_quote(path), join_dirs(allowed_dirs)));
}

// Where an open descriptor really is; "" when the kernel cannot say.
std::string real_path_of(int fd) {
  char target[PATH_MAX];
  const std::string link = "/proc/self/fd/" + std::to_string(fd);
  const ssize_t n = ::readlink(link.c_str(), target, sizeof target);
  if (n <= 0 || static_cast<std::size_t>(n) >= sizeof target) return "";
  return std::string(target, static_cast<std::size_t>(n));
}

// The allowed directories as written, plus their real paths: an operator may list a directory
// that is itself a symbolic link (its target is what the opened descriptors report).
std::vector<std::string> with_real_paths(const std::vector<std::string>& allowed_dirs) {
  std::vector<std::string> all = allowed_dirs;
  for (const std::string& dir : allowed_dirs) {
    const std::unique_ptr<char, decltype(&::free)> real(::realpath(dir.c_str(), nullptr), ::free);
    if (real != nullptr) all.emplace_back(real.get());
  }
  return all;
}

// Opens `path` one element at a time below `base` (an allowed directory it lies inside),
// checking each directory's real path, so that no step leaves the allowed directories before
// the next element is looked up there.
FileDescriptor open_below(const std::string& path, const std::string& base,
                          const std::vector<std::string>& allowed_dirs,
                          const std::vector<std::string>& real_dirs) {
  const auto open_failed = [&path] {
    const int error = errno;
    return invalid_parameters("open " + path + ": " + go_errno_text(error));
  };
  FileDescriptor dir(::open(base.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (dir.get() < 0) throw open_failed();
  std::string_view rest = std::string_view(path).substr(base == "/" ? 1 : base.size() + 1);
  for (std::size_t slash = rest.find('/'); slash != std::string_view::npos;
       slash = rest.find('/')) {
    const std::string element(rest.substr(0, slash));
    rest.remove_prefix(slash + 1);
    FileDescriptor next(::openat(dir.get(), element.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (next.get() < 0) throw open_failed();
    if (!at_or_inside_any(real_path_of(next.get()), real_dirs)) throw outside(path, allowed_dirs);
    dir = std::move(next);
  }
  const std::string last(rest);
  FileDescriptor file(
      ::openat(dir.get(), last.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW));
  if (file.get() < 0 && errno == ELOOP) {
    throw invalid_parameters(fmt::format(
        "cloudEnvFileName {} is a symbolic link; name the file itself", go_quote(path)));
  }
  if (file.get() < 0) throw open_failed();
  return file;
}

}  // namespace

std::string read_confined_file(const std::string& path,
                               const std::vector<std::string>& allowed_dirs,
                               std::size_t max_bytes) {
  if (allowed_dirs.empty()) {
    throw invalid_parameters(fmt::format(
        "cloudEnvFileName {} is refused: the azure plugin's configuration lets it read cloud files "
        "from no directory (allowedCloudEnvDirs is empty)",
        go_quote(path)));
  }
  if (!is_clean_absolute_path(path)) {
    throw invalid_parameters(fmt::format(
        "cloudEnvFileName {} must be a clean absolute path, without \".\", \"..\" or empty "
        "elements (allowedCloudEnvDirs in the azure plugin's configuration: {})",
        go_quote(path), join_dirs(allowed_dirs)));
  }
  const std::string* base = nullptr;
  for (const std::string& dir : allowed_dirs) {
    if (lies_inside(path, dir)) {
      base = &dir;
      break;
    }
  }
  if (base == nullptr) throw outside(path, allowed_dirs);

  const std::vector<std::string> real_dirs = with_real_paths(allowed_dirs);
  const FileDescriptor fd = open_below(path, *base, allowed_dirs, real_dirs);
  struct stat info {};
  if (::fstat(fd.get(), &info) != 0) {
    const int error = errno;
    throw invalid_parameters("stat " + path + ": " + go_errno_text(error));
  }
  if (!S_ISREG(info.st_mode)) throw invalid_parameters(path + " is not a regular file");
  const std::string real = real_path_of(fd.get());
  bool inside = false;
  for (const std::string& dir : real_dirs) inside = inside || lies_inside(real, dir);
  if (!inside) throw outside(path, allowed_dirs);

  const std::string too_large = fmt::format("{} is larger than {} bytes", path, max_bytes);
  if (static_cast<std::size_t>(info.st_size) > max_bytes) throw invalid_parameters(too_large);
  std::string contents;
  char buffer[4096];
  for (;;) {
    const ssize_t n = ::read(fd.get(), buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int error = errno;
      throw invalid_parameters("read " + path + ": " + go_errno_text(error));
    }
    if (n == 0) break;
    contents.append(buffer, static_cast<std::size_t>(n));
    if (contents.size() > max_bytes) throw invalid_parameters(too_large);
  }
  return contents;
}

}  // namespace sscsi::azure
