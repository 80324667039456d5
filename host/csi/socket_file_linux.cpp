#include "csi/socket_file.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>

#include <fmt/format.h>

namespace sscsi::csi {
namespace {

[[noreturn]] void fail_errno(std::string_view what, const std::filesystem::path& path, int error) {
  throw std::runtime_error(
      fmt::format("CSI socket {}: {}: {}", path.string(), what, std::strerror(error)));
}

std::string_view file_kind(mode_t mode) {
  if (S_ISREG(mode)) return "a regular file";
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISLNK(mode)) return "a symbolic link";
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISBLK(mode) || S_ISCHR(mode)) return "a device node";
  return "not a socket";
}

// Creates each missing directory above `path` with 0750 (an existing one is left as it is: its
// owner chose its mode). create_directories would use 0777 & ~umask.
void make_parent_directories(const std::filesystem::path& path) {
  std::filesystem::path prefix;
  for (const auto& element : path.parent_path()) {
    prefix /= element;
    struct stat st {};
    if (::stat(prefix.c_str(), &st) == 0) {
      if (!S_ISDIR(st.st_mode)) {
        throw std::runtime_error(fmt::format("CSI socket {}: {} is {}, not a directory",
                                             path.string(), prefix.string(),
                                             file_kind(st.st_mode)));
      }
      continue;
    }
    if (errno != ENOENT) fail_errno(fmt::format("cannot inspect {}", prefix.string()), path, errno);
    if (::mkdir(prefix.c_str(), 0750) != 0 && errno != EEXIST) {
      fail_errno(fmt::format("cannot create directory {}", prefix.string()), path, errno);
    }
  }
}

// True when a process accepts connections on the socket at `path`.
bool socket_is_live(const std::filesystem::path& path) {
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) fail_errno("cannot create a probe socket", path, errno);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::strncpy(address.sun_path, path.c_str(), sizeof(address.sun_path) - 1);
  const int result = ::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof(address));
  const int error = errno;
  ::close(fd);
  if (result == 0) return true;
  // Refused (nobody listening) or gone meanwhile: stale. A full backlog (EAGAIN) means alive.
  if (error == ECONNREFUSED || error == ENOENT) return false;
  if (error == EAGAIN) return true;
  fail_errno("cannot tell whether the existing socket is in use", path, error);
}

}  // namespace

void prepare_socket_path(const std::filesystem::path& path) {
  make_parent_directories(path);
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return;
    fail_errno("cannot inspect the existing file", path, errno);
  }
  if (!S_ISSOCK(st.st_mode)) {
    throw std::runtime_error(fmt::format(
        "CSI socket {}: refusing to replace it: it is {}, not a socket; remove it or choose "
        "another --endpoint",
        path.string(), file_kind(st.st_mode)));
  }
  if (socket_is_live(path)) {
    throw std::runtime_error(fmt::format(
        "CSI socket {}: another process is serving on it; stop that process first", path.string()));
  }
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) {
    fail_errno("cannot remove the stale socket", path, errno);
  }
}

void restrict_socket_mode(const std::filesystem::path& path) {
  if (::chmod(path.c_str(), 0660) != 0) fail_errno("cannot set mode 0660", path, errno);
}

}  // namespace sscsi::csi
