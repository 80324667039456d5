// Linux implementation of the platform seam (platform.h).

#include <dirent.h>
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>
#include <cerrno>
#include <cstring>
#include <memory>
#include <string_view>
#include <vector>

#include "mount/error.h"
#include "mount/mountinfo.h"
#include "mount/platform.h"
#include "mount/unique_fd.h"

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

// Whether the entry at (`dir_fd`, `path`) is the root of a mount; `shown` names it in errors
// and for the mountinfo fallback. A missing entry is not a mount point.
bool mount_root_at(int dir_fd, const char* path, int flags, const fs::path& shown) {
  struct statx info {};
  if (::statx(dir_fd, path, flags | AT_NO_AUTOMOUNT, STATX_TYPE, &info) != 0) {
    const int err = errno;
    if (err == ENOENT || err == ENOTDIR) return false;
    fail(err, fmt::format("cannot check whether {} is a mount point", shown.string()));
  }
  // Linux >= 5.8 says directly whether the path is the root of a mount: exact for tmpfs and
  // bind mounts alike, and O(1). Older kernels leave the bit out of the mask; then mountinfo.
  if ((info.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT) != 0) {
    return (info.stx_attributes & STATX_ATTR_MOUNT_ROOT) != 0;
  }
  return mountinfo_lists_mount_point(shown);
}

}  // namespace

void mount_tmpfs(const fs::path& target, std::uint64_t size_bytes) {
  const std::string options = fmt::format("size={},mode=0755", size_bytes);
  const auto refuse = [&](std::string_view why, int err) {
    throw Error(fmt::format("cannot mount tmpfs at {}: {}", target.string(), why), err);
  };
  if (size_bytes == 0) {
    refuse("the size limit must be more than 0 bytes (tmpfs would read 0 as unlimited)", EINVAL);
  }
  // The directory is opened once, without following a final symlink, and everything below
  // goes through that descriptor: the tmpfs lands on the directory that was checked, even if
  // the path is switched to a symlink in between.
  const UniqueFd dir(::open(target.c_str(), O_PATH | O_NOFOLLOW | O_CLOEXEC));
  if (dir.get() < 0) {
    const int err = errno;
    if (err == ENOENT) refuse("the directory does not exist", err);
    fail(err, fmt::format("cannot open {}", target.string()));
  }
  struct stat info {};
  if (::fstat(dir.get(), &info) != 0) fail(errno, fmt::format("cannot stat {}", target.string()));
  if (S_ISLNK(info.st_mode)) refuse("it is a symbolic link; mounts never follow one", ELOOP);
  if (!S_ISDIR(info.st_mode)) refuse("it is not a directory", ENOTDIR);
  if (mount_root_at(dir.get(), "", AT_EMPTY_PATH, target)) {
    refuse("it is already a mount point; unmount it first", EBUSY);
  }
  const std::string through_fd = fmt::format("/proc/self/fd/{}", dir.get());
  if (::mount("tmpfs", through_fd.c_str(), "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC,
              options.c_str()) != 0) {
    const int err = errno;
    std::string_view hint = privilege_hint(err);
    if (err == ENOENT) hint = "; the directory was removed meanwhile, or /proc is not mounted";
    fail(err, fmt::format("cannot mount tmpfs ({}) at {}", options, target.string()), hint);
  }
}

bool is_mount_point(const fs::path& target) {
  return mount_root_at(AT_FDCWD, target.c_str(), AT_SYMLINK_NOFOLLOW, target);
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
  UniqueFd fd(::open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
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
  // close's own error counts: on some filesystems a write error surfaces only there.
  if (err == 0 && ::close(fd.release()) != 0) {
    err = errno;
    what = fmt::format("cannot finish writing {}", file.string());
  }
  if (err != 0) {
    ::unlink(file.c_str());  // a partial file must not stay behind
    fail(err, what, space_hint(err));
  }
}

StoredFile read_file(const fs::path& file) {
  UniqueFd fd(::open(file.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK));
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

namespace {

// Deep enough for any payload (paths are shorter than PATH_MAX) and well below the descriptor
// limit: each level holds one descriptor open.
constexpr int kMaxTreeDepth = 256;

// The names in the directory `dir_fd` (without . and ..), read to the end before anything is
// removed, so removal does not disturb the listing.
std::vector<std::string> names_in(int dir_fd, const fs::path& shown) {
  // fdopendir takes over the descriptor it gets; the caller keeps its own for unlinkat.
  const int listing_fd = ::dup(dir_fd);
  if (listing_fd < 0) fail(errno, fmt::format("cannot list {}", shown.string()));
  const std::unique_ptr<DIR, int (*)(DIR*)> listing(::fdopendir(listing_fd), ::closedir);
  if (!listing) {
    const int err = errno;
    ::close(listing_fd);
    fail(err, fmt::format("cannot list {}", shown.string()));
  }
  std::vector<std::string> names;
  for (;;) {
    errno = 0;
    const dirent* entry = ::readdir(listing.get());
    if (entry == nullptr) break;
    const std::string_view name = entry->d_name;
    if (name != "." && name != "..") names.emplace_back(name);
  }
  if (errno != 0) fail(errno, fmt::format("cannot list {}", shown.string()));
  return names;
}

void remove_entry_at(int parent_fd, const std::string& name, const fs::path& shown, int depth) {
  // Files and symlinks go with one unlinkat, which never follows a link.
  if (::unlinkat(parent_fd, name.c_str(), 0) == 0) return;
  int err = errno;
  if (err == ENOENT) return;
  if (err != EISDIR) fail(err, fmt::format("cannot remove {}", shown.string()));
  if (depth == kMaxTreeDepth) {
    throw Error(fmt::format("cannot remove {}: it is nested more than {} directories deep",
                            shown.string(), kMaxTreeDepth),
                ELOOP);
  }
  const UniqueFd dir(
      ::openat(parent_fd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  if (dir.get() < 0) {
    err = errno;
    if (err == ENOENT) return;
    // ELOOP or ENOTDIR: the directory was replaced by a symlink or a file since unlinkat.
    fail(err, fmt::format("cannot open directory {} (was it replaced meanwhile?)", shown.string()));
  }
  for (const std::string& child : names_in(dir.get(), shown)) {
    remove_entry_at(dir.get(), child, shown / child, depth + 1);
  }
  if (::unlinkat(parent_fd, name.c_str(), AT_REMOVEDIR) != 0 && errno != ENOENT) {
    fail(errno, fmt::format("cannot remove directory {}", shown.string()));
  }
}

}  // namespace

void remove_tree(const fs::path& path) {
  const fs::path parent = path.has_parent_path() ? path.parent_path() : fs::path(".");
  const UniqueFd parent_fd(::open(parent.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (parent_fd.get() < 0) {
    if (errno == ENOENT) return;
    fail(errno, fmt::format("cannot open directory {}", parent.string()));
  }
  remove_entry_at(parent_fd.get(), path.filename().string(), path, 0);
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
