#include "plugins/plugin_dir.h"

#include <dirent.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <optional>
#include <stdexcept>
#include <string_view>
#include <system_error>

#include "mount/file_trust.h"
#include "plugins/elf_search_path.h"
#include "plugins/plugin_text.h"

namespace sscsi::plugins {
namespace {

std::string errno_text(int error) { return std::generic_category().message(error); }

const char* file_type_name(mode_t mode) {
  if (S_ISREG(mode)) return "a regular file";
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISLNK(mode)) return "a symlink";
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISSOCK(mode)) return "a socket";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  return "of an unknown type";
}

// glibc expands $ORIGIN to the directory of the name the library was opened by: plugins are
// opened as /proc/self/fd/N, so that is /proc/self/fd (libraries beside the plugin are not
// found, and "$ORIGIN/../root/tmp" would reach /tmp).
constexpr std::string_view kLoadedFrom = "/proc/self/fd";

// The entry with $ORIGIN expanded, or nullopt for another token ($LIB, $PLATFORM), whose
// expansion depends on the CPU and the distribution.
std::optional<std::string> expand_origin(const std::string& entry) {
  std::string out;
  for (std::size_t i = 0; i < entry.size();) {
    if (entry[i] != '$') {
      out += entry[i++];
    } else if (entry.compare(i, 7, "$ORIGIN") == 0) {
      out += kLoadedFrom;
      i += 7;
    } else if (entry.compare(i, 9, "${ORIGIN}") == 0) {
      out += kLoadedFrom;
      i += 9;
    } else {
      return std::nullopt;
    }
  }
  return out;
}

// Whoever may write `dir`, or create it (then the nearest existing directory above it counts),
// or replace a directory above it, could put libraries there for the linker to find.
std::optional<std::string> search_directory_problem(const std::filesystem::path& dir) {
  for (std::filesystem::path at = dir;; at = at.parent_path()) {
    struct stat status {};
    if (::stat(at.c_str(), &status) == 0) {
      if (const auto problem = mount::ownership_problem(status)) {
        if (at == dir) return *problem;
        return fmt::format("does not exist, and {}, where it could be created, {}", at.string(),
                           *problem);
      }
      const auto problem = mount::ancestor_problem(at);
      if (problem && at != dir) {
        return fmt::format("does not exist, and {} {}", at.string(), *problem);
      }
      return problem;
    }
    if (errno != ENOENT && errno != ENOTDIR) {
      return fmt::format("cannot be examined: {}", errno_text(errno));
    }
    if (at == at.parent_path()) return std::nullopt;
  }
}

// Why the library search path (DT_RPATH, DT_RUNPATH) of the plugin open at `fd` could let
// someone else supply its dependencies, or nullopt.
std::optional<std::string> search_path_problem(int fd) {
  std::vector<std::string> entries;
  try {
    entries = elf_library_search_path(fd);
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  for (const std::string& entry : entries) {
    const std::string shown = printable(entry);
    const std::optional<std::string> expanded = expand_origin(entry);
    if (!expanded) {
      return fmt::format(
          "has the library search path entry \"{}\" with a token other than $ORIGIN, which "
          "cannot be checked; link the plugin without it",
          shown);
    }
    if (expanded->empty() || expanded->front() != '/') {
      return fmt::format(
          "has the relative library search path entry \"{}\": the linker would look for its "
          "libraries from the host's working directory; link the plugin without it",
          shown);
    }
    if (const auto problem = search_directory_problem(*expanded)) {
      return fmt::format("has the library search path entry \"{}\", which {}", shown, *problem);
    }
  }
  return std::nullopt;
}

}  // namespace

PluginDirectory::PluginDirectory(std::filesystem::path path) : path_(std::move(path)) {
  const std::string shown = path_.string();
  const auto fail = [&](const std::string& problem) {
    return std::runtime_error(fmt::format("plugin directory {} {}", shown, problem));
  };
  struct stat link_status {};
  if (::lstat(shown.c_str(), &link_status) != 0) {
    const int error = errno;
    if (error == ENOENT) throw fail("does not exist");
    throw fail(fmt::format("cannot be examined: {}", errno_text(error)));
  }
  if (S_ISLNK(link_status.st_mode)) {
    throw fail("is a symlink; give the real directory so that what is checked is what is used");
  }
  if (!S_ISDIR(link_status.st_mode)) {
    throw fail(fmt::format("is not a directory (it is {})", file_type_name(link_status.st_mode)));
  }
  fd_.reset(::open(shown.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  if (!fd_.valid()) throw fail(fmt::format("cannot be opened: {}", errno_text(errno)));
  struct stat status {};
  if (::fstat(fd_.get(), &status) != 0) {
    throw fail(fmt::format("cannot be examined: {}", errno_text(errno)));
  }
  if (!S_ISDIR(status.st_mode)) throw fail("was replaced while being checked");
  if (const auto problem = mount::ownership_problem(status)) throw fail(*problem);
  if (const auto problem = mount::ancestor_problem(path_)) throw fail(*problem);
  std::error_code error;
  real_path_ = std::filesystem::canonical(path_, error);
  if (error) throw fail(fmt::format("cannot be resolved: {}", error.message()));
}

std::vector<std::string> PluginDirectory::plugin_names() const {
  // readdir on a duplicate, so that our own descriptor keeps its position and stays open.
  const int listing_fd = ::fcntl(fd_.get(), F_DUPFD_CLOEXEC, 0);
  if (listing_fd < 0) {
    throw std::runtime_error(
        fmt::format("plugin directory {} cannot be listed: {}", path_.string(), errno_text(errno)));
  }
  DIR* dir = ::fdopendir(listing_fd);
  if (dir == nullptr) {
    const int error = errno;
    ::close(listing_fd);
    throw std::runtime_error(
        fmt::format("plugin directory {} cannot be listed: {}", path_.string(), errno_text(error)));
  }
  std::vector<std::string> names;
  while (const dirent* entry = ::readdir(dir)) {
    const std::string_view name = entry->d_name;
    if (name.size() > 3 && name.ends_with(".so")) names.emplace_back(name);
  }
  ::closedir(dir);
  std::sort(names.begin(), names.end());
  return names;
}

Outcome<UniqueFd> PluginDirectory::open_checked(const std::string& name) const {
  constexpr int kFlags = O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK | O_NOCTTY;
  UniqueFd fd(::openat(fd_.get(), name.c_str(), kFlags));
  if (!fd.valid() && errno == ELOOP) {
    // A symlink: allowed only when it resolves to a file in this same directory.
    std::error_code error;
    const auto target = std::filesystem::canonical(path_ / name, error);
    if (error) {
      return Outcome<UniqueFd>::refused(
          fmt::format("is a symlink that cannot be resolved: {}", error.message()));
    }
    if (target.parent_path() != real_path_) {
      return Outcome<UniqueFd>::refused(fmt::format(
          "is a symlink to {}, outside the plugin directory {}; plugins must resolve to files "
          "inside it",
          printable(target.string()), real_path_.string()));
    }
    fd.reset(::openat(fd_.get(), target.filename().c_str(), kFlags));
    if (!fd.valid() && errno == ELOOP) {
      return Outcome<UniqueFd>::refused("is a symlink whose target changed while being checked");
    }
  }
  if (!fd.valid()) {
    return Outcome<UniqueFd>::refused(fmt::format("cannot be opened: {}", errno_text(errno)));
  }
  struct stat status {};
  if (::fstat(fd.get(), &status) != 0) {
    return Outcome<UniqueFd>::refused(fmt::format("cannot be examined: {}", errno_text(errno)));
  }
  if (!S_ISREG(status.st_mode)) {
    return Outcome<UniqueFd>::refused(
        fmt::format("is not a regular file (it is {})", file_type_name(status.st_mode)));
  }
  if (const auto problem = mount::ownership_problem(status)) {
    return Outcome<UniqueFd>::refused(*problem);
  }
  if (const auto problem = search_path_problem(fd.get())) {
    return Outcome<UniqueFd>::refused(*problem);
  }
  // Only the check needed non-blocking opens (a FIFO must not hang the loader).
  const int flags = ::fcntl(fd.get(), F_GETFL);
  if (flags >= 0) ::fcntl(fd.get(), F_SETFL, flags & ~O_NONBLOCK);
  return Outcome<UniqueFd>::success(std::move(fd));
}

}  // namespace sscsi::plugins
