#include "mount/file_trust.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <stdexcept>
#include <system_error>

#include "mount/unique_fd.h"

namespace sscsi::mount {
namespace {

std::string allowed_owners() {
  const uid_t euid = geteuid();
  return euid == 0 ? std::string("root (uid 0)")
                   : fmt::format("root (uid 0) or the daemon's user (uid {})", euid);
}

std::string errno_text(int error) { return std::generic_category().message(error); }

}  // namespace

std::optional<std::string> ownership_problem(const struct stat& st) {
  if (st.st_uid != 0 && st.st_uid != geteuid()) {
    return fmt::format("is owned by uid {}; it must be owned by {}", st.st_uid, allowed_owners());
  }
  const unsigned mode = st.st_mode & 07777;
  if ((st.st_mode & S_IWOTH) != 0) {
    return fmt::format("is world-writable (mode {:04o}); remove that permission (chmod o-w)", mode);
  }
  if ((st.st_mode & S_IWGRP) != 0) {
    return fmt::format("is group-writable (mode {:04o}); remove that permission (chmod g-w)", mode);
  }
  return std::nullopt;
}

std::optional<std::string> ancestor_problem(const std::filesystem::path& path) {
  namespace fs = std::filesystem;
  std::error_code error;
  fs::path given = fs::absolute(path, error).lexically_normal();
  if (error) return fmt::format("cannot be resolved: {}", error.message());
  if (!given.has_filename()) given = given.parent_path();  // "/a/b/" names /a/b
  const fs::path real = fs::canonical(given, error);
  if (error) return fmt::format("cannot be resolved: {}", error.message());
  for (const fs::path& start : {given, real}) {
    for (fs::path dir = start.parent_path();; dir = dir.parent_path()) {
      struct stat status {};
      if (::lstat(dir.c_str(), &status) != 0) {
        return fmt::format("is inside {}, which cannot be examined: {}", dir.string(),
                           errno_text(errno));
      }
      // A symlink's own mode means nothing: the directory holding it is the next one up, and
      // where it leads is on the canonical walk.
      if (S_ISLNK(status.st_mode)) continue;
      struct stat judged = status;
      if ((status.st_mode & S_ISVTX) != 0) judged.st_mode &= ~(S_IWGRP | S_IWOTH);
      if (const auto problem = ownership_problem(judged)) {
        return fmt::format("is inside {}, which {}", dir.string(), *problem);
      }
      if (dir == dir.parent_path()) break;
    }
  }
  return std::nullopt;
}

std::string read_trusted_file(const std::filesystem::path& file, std::size_t max_bytes) {
  const UniqueFd fd(::open(file.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY));
  if (fd.get() < 0) throw std::runtime_error("cannot be opened: " + errno_text(errno));
  struct stat status {};
  if (::fstat(fd.get(), &status) != 0) {
    throw std::runtime_error("cannot be examined: " + errno_text(errno));
  }
  if (!S_ISREG(status.st_mode)) throw std::runtime_error("is not a regular file");
  if (const auto problem = ownership_problem(status)) throw std::runtime_error(*problem);
  if (const auto problem = ancestor_problem(file)) throw std::runtime_error(*problem);
  std::string text(max_bytes + 1, '\0');
  std::size_t size = 0;
  while (size < text.size()) {
    const ssize_t got = ::read(fd.get(), text.data() + size, text.size() - size);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) throw std::runtime_error("cannot be read: " + errno_text(errno));
    if (got == 0) break;
    size += static_cast<std::size_t>(got);
  }
  if (size > max_bytes) {
    throw std::runtime_error(fmt::format("is larger than {} bytes", max_bytes));
  }
  text.resize(size);
  return text;
}

}  // namespace sscsi::mount
