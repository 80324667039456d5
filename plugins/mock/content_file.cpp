#include "content_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <system_error>

#include "mount_error.h"
#include "quote.h"

namespace fs = std::filesystem;

namespace sscsi::mock {
namespace {

// Closes a file descriptor on every path out of the reader.
class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) : fd_(fd) {}
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  ~FileDescriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }

 private:
  int fd_;
};

std::string without_trailing_slash(const fs::path& p) {
  std::string text = p.string();
  while (text.size() > 1 && text.back() == '/') text.pop_back();
  return text;
}

std::string dir_list(const std::vector<fs::path>& dirs) {
  std::string out;
  for (const fs::path& dir : dirs) {
    if (!out.empty()) out += ", ";
    out += quote(dir.string());
  }
  return out;
}

// Maps an errno from resolving, opening or reading the file onto the ABI's codes.
[[noreturn]] void fail_with_errno(int error, const std::string& subject, const char* action) {
  const std::string reason = std::generic_category().message(error);
  switch (error) {
    case ENOENT:
    case ENOTDIR:
      throw MountError(SSCSI_NOT_FOUND, subject + " does not exist");
    case EACCES:
    case EPERM:
      throw MountError(SSCSI_UNAUTHORIZED,
                       subject + " cannot be " + action + " by the host: " + reason);
    case ELOOP:
      throw invalid_parameters(subject + " cannot be " + action + ": " + reason);
    default:
      throw MountError(SSCSI_UNAVAILABLE, subject + " cannot be " + action + ": " + reason);
  }
}

std::string too_large_message(const std::string& subject) {
  return subject + " is larger than the limit of " + std::to_string(kMaxContentFileBytes) +
         " bytes";
}

}  // namespace

bool is_inside_directory(const fs::path& path, const fs::path& dir) {
  const std::string inner = without_trailing_slash(path);
  const std::string outer = without_trailing_slash(dir);
  if (inner.size() <= outer.size() || !inner.starts_with(outer)) return false;
  return outer == "/" || inner[outer.size()] == '/';
}

WipedBytes read_content_file(std::string_view path_text, const std::vector<fs::path>& allowed_dirs,
                             const std::string& what) {
  const std::string subject = what + ": contentFile " + quote(path_text);
  if (allowed_dirs.empty()) {
    throw invalid_parameters(subject +
                             " is refused: the mock plugin's config allows no content "
                             "directories (an operator lists them in allowedContentDirs)");
  }
  const fs::path requested = fs::path(path_text).lexically_normal();
  if (!requested.is_absolute()) throw invalid_parameters(subject + " is not an absolute path");

  bool lexically_allowed = false;
  for (const fs::path& dir : allowed_dirs) {
    lexically_allowed = lexically_allowed || is_inside_directory(requested, dir);
  }
  if (!lexically_allowed) {
    throw invalid_parameters(subject + " is outside the allowed content directories (" +
                             dir_list(allowed_dirs) + ") of the mock plugin's config");
  }

  std::error_code ec;
  const fs::path real = fs::canonical(requested, ec);
  if (ec) fail_with_errno(ec.value(), subject, "resolved");
  bool really_allowed = false;
  for (const fs::path& dir : allowed_dirs) {
    std::error_code dir_ec;
    const fs::path real_dir = fs::canonical(dir, dir_ec);
    really_allowed = really_allowed || (!dir_ec && is_inside_directory(real, real_dir));
  }
  if (!really_allowed) {
    throw invalid_parameters(subject +
                             " resolves through a symbolic link to a file outside the allowed "
                             "content directories (" +
                             dir_list(allowed_dirs) + ") of the mock plugin's config");
  }

  // O_NOFOLLOW: the final element was just resolved and must not have become a link since.
  // O_NONBLOCK: opening a FIFO must not hang the mount; it is refused below as not regular.
  const FileDescriptor fd(
      ::open(real.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY));
  if (fd.get() < 0) fail_with_errno(errno, subject, "opened");
  struct stat info {};
  if (::fstat(fd.get(), &info) != 0) fail_with_errno(errno, subject, "examined");
  if (!S_ISREG(info.st_mode)) throw invalid_parameters(subject + " is not a regular file");
  if (static_cast<std::uintmax_t>(info.st_size) > kMaxContentFileBytes) {
    throw invalid_parameters(too_large_message(subject));
  }

  WipedBytes bytes;
  // The size may change while reading (the file is being rotated); read to the real end.
  bytes.reserve(static_cast<std::size_t>(info.st_size) + 1);
  while (true) {
    if (bytes.spare_size() == 0) {
      if (bytes.size() > kMaxContentFileBytes) throw invalid_parameters(too_large_message(subject));
      bytes.reserve(bytes.size() * 2);
    }
    const ssize_t n = ::read(fd.get(), bytes.spare(), bytes.spare_size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) fail_with_errno(errno, subject, "read");
    if (n == 0) break;
    bytes.grow(static_cast<std::size_t>(n));
  }
  if (bytes.size() > kMaxContentFileBytes) throw invalid_parameters(too_large_message(subject));
  return bytes;
}

}  // namespace sscsi::mock
