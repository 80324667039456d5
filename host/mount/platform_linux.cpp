// Linux implementation of the platform seam (platform.h).

#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>
#include <cerrno>
#include <cstring>

#include "mount/error.h"
#include "mount/mountinfo.h"
#include "mount/platform.h"

namespace sscsi::mount::platform {

namespace fs = std::filesystem;

namespace {

// "No such file or directory (ENOENT)". strerrordesc_np/strerrorname_np return static strings,
// so this is thread-safe (strerror is not).
std::string describe_errno(int err) {
  const char* description = strerrordesc_np(err);
  const char* name = strerrorname_np(err);
  if (description == nullptr || name == nullptr) return fmt::format("unknown error {}", err);
  return fmt::format("{} ({})", description, name);
}

[[noreturn]] void fail(int err, const std::string& what, std::string_view hint = {}) {
  throw Error(fmt::format("{}: {}{}", what, describe_errno(err), hint), err);
}

// Closes a descriptor on every path out of a function.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  // Closes now and reports close's error (a write error can surface only here on some
  // filesystems).
  int close_checked() {
    const int rc = ::close(fd_);
    fd_ = -1;
    return rc == 0 ? 0 : errno;
  }

 private:
  int fd_;
};

std::string_view space_hint(int err) {
  if (err == ENOSPC || err == EDQUOT) {
    return "; the volume is full: raise its size limit (during a refresh it holds the old and "
           "the new version at once)";
  }
  return {};
}

std::string_view privilege_hint(int err) {
  if (err == EPERM || err == EACCES) return "; this needs CAP_SYS_ADMIN (a privileged container)";
  return {};
}

}  // namespace

void mount_tmpfs(const fs::path& target, std::uint64_t size_bytes) {
  if (size_bytes == 0) {
    throw Error(
        fmt::format("cannot mount tmpfs at {}: the size limit must be more than 0 bytes "
                    "(tmpfs would read 0 as unlimited)",
                    target.string()));
  }
  if (is_mount_point(target)) {
    throw Error(fmt::format("cannot mount tmpfs at {}: it is already a mount point; unmount it "
                            "first",
                            target.string()),
                EBUSY);
  }
  const std::string options = fmt::format("size={},mode=0755", size_bytes);
  if (::mount("tmpfs", target.c_str(), "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC,
              options.c_str()) != 0) {
    const int err = errno;
    std::string_view hint = privilege_hint(err);
    if (err == ENOENT) hint = "; the directory does not exist";
    if (err == ENOTDIR) hint = "; it is not a directory";
    fail(err, fmt::format("cannot mount tmpfs ({}) at {}", options, target.string()), hint);
  }
}

bool is_mount_point(const fs::path& target) {
  struct statx info {};
  if (::statx(AT_FDCWD, target.c_str(), AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT, STATX_TYPE, &info) !=
      0) {
    const int err = errno;
    if (err == ENOENT || err == ENOTDIR) return false;
    fail(err, fmt::format("cannot check whether {} is a mount point", target.string()));
  }
  // Linux >= 5.8 says directly whether the path is the root of a mount: exact for tmpfs and
  // bind mounts alike, and O(1). Older kernels leave the bit out of the mask; then mountinfo.
  if ((info.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT) != 0) {
    return (info.stx_attributes & STATX_ATTR_MOUNT_ROOT) != 0;
  }
  return mountinfo_lists_mount_point(target);
}

bool unmount(const fs::path& target) {
  if (::umount2(target.c_str(), UMOUNT_NOFOLLOW) == 0) return true;
  const int err = errno;
  // EINVAL: not a mount point. ENOENT: gone already. Both mean "nothing to unmount".
  if (err == EINVAL || err == ENOENT) return false;
  if (err == EBUSY) {
    fail(err, fmt::format("cannot unmount {}", target.string()),
         "; a process still has a file or its working directory in it, or another mount sits "
         "inside it; retry once they are gone");
  }
  fail(err, fmt::format("cannot unmount {}", target.string()), privilege_hint(err));
}

void make_dir(const fs::path& dir, std::uint32_t mode) {
  if (::mkdir(dir.c_str(), 0700) != 0) {
    const int err = errno;
    fail(err, fmt::format("cannot create directory {}", dir.string()), space_hint(err));
  }
  // mkdir's mode is filtered by the umask; chmod sets it exactly.
  if (::chmod(dir.c_str(), static_cast<mode_t>(mode)) != 0) {
    const int err = errno;
    ::rmdir(dir.c_str());
    fail(err, fmt::format("cannot set mode {:#o} on directory {}", mode, dir.string()));
  }
}

void write_new_file(const fs::path& file, std::span<const std::uint8_t> bytes, std::uint32_t mode) {
  Fd fd(::open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
  if (fd.get() < 0) {
    const int err = errno;
    fail(err, fmt::format("cannot create file {}", file.string()), space_hint(err));
  }
  int err = 0;
  std::string what;
  std::size_t done = 0;
  while (err == 0 && done < bytes.size()) {
    const ssize_t n = ::write(fd.get(), bytes.data() + done, bytes.size() - done);
    if (n >= 0) {
      done += static_cast<std::size_t>(n);
    } else if (errno != EINTR) {
      err = errno;
      what = fmt::format("cannot write {} bytes to {}", bytes.size(), file.string());
    }
  }
  // The open mode was filtered by the umask; fchmod on the descriptor sets it exactly.
  if (err == 0 && ::fchmod(fd.get(), static_cast<mode_t>(mode)) != 0) {
    err = errno;
    what = fmt::format("cannot set mode {:#o} on {}", mode, file.string());
  }
  if (err == 0 && (err = fd.close_checked()) != 0) {
    what = fmt::format("cannot finish writing {}", file.string());
  }
  if (err != 0) {
    ::unlink(file.c_str());  // a partial file must not stay behind
    fail(err, what, space_hint(err));
  }
}

StoredFile read_file(const fs::path& file) {
  Fd fd(::open(file.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK));
  if (fd.get() < 0) {
    const int err = errno;
    if (err == ELOOP) {
      throw Error(fmt::format("cannot read {}: it is a symbolic link", file.string()), err);
    }
    fail(err, fmt::format("cannot open {}", file.string()));
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) fail(errno, fmt::format("cannot stat {}", file.string()));
  if (!S_ISREG(st.st_mode)) {
    throw Error(fmt::format("cannot read {}: it is not a regular file", file.string()));
  }
  StoredFile out;
  out.mode = static_cast<std::uint32_t>(st.st_mode) & 0777;
  // One byte more than the size, so the read that sees end-of-file needs no reallocation.
  out.data.resize(static_cast<std::size_t>(st.st_size) + 1);
  std::size_t done = 0;
  for (;;) {
    if (done == out.data.size()) out.data.resize(out.data.size() * 2);  // the file grew
    const ssize_t n = ::read(fd.get(), out.data.data() + done, out.data.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      fail(errno, fmt::format("cannot read {}", file.string()));
    }
    if (n == 0) break;
    done += static_cast<std::size_t>(n);
  }
  out.data.resize(done);
  return out;
}

void make_symlink(const fs::path& link, const std::string& points_to) {
  if (::symlink(points_to.c_str(), link.c_str()) != 0) {
    const int err = errno;
    fail(err, fmt::format("cannot create symlink {} -> {}", link.string(), points_to),
         space_hint(err));
  }
}

void replace_symlink(const fs::path& link, const std::string& points_to,
                     const fs::path& temp_link) {
  if (::unlink(temp_link.c_str()) != 0 && errno != ENOENT) {
    fail(errno, fmt::format("cannot remove leftover {}", temp_link.string()));
  }
  make_symlink(temp_link, points_to);
  // rename(2) replaces `link` atomically: every lookup sees the old or the new target.
  if (::rename(temp_link.c_str(), link.c_str()) != 0) {
    const int err = errno;
    ::unlink(temp_link.c_str());
    fail(err, fmt::format("cannot rename {} over {}", temp_link.string(), link.string()));
  }
}

}  // namespace sscsi::mount::platform
