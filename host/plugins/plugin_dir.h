#pragma once
// The plugin directory and the checks a file must pass before it may be loaded: a regular file
// (or a symlink resolving to one in the same directory), owned by root or the daemon's user,
// not group- or world-writable, in a directory with the same properties. Files are opened
// relative to the checked directory with O_NOFOLLOW and checked with fstat on the descriptor
// that is then loaded, so nothing can be swapped in between.

#include <sys/stat.h>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "mount/unique_fd.h"
#include "plugins/outcome.h"

namespace sscsi::plugins {

using mount::UniqueFd;

class PluginDirectory {
 public:
  // Opens and checks the directory. Throws std::runtime_error naming the directory and the
  // problem when it is missing, not a directory (a symlink is not accepted), or unsafe.
  explicit PluginDirectory(std::filesystem::path path);

  const std::filesystem::path& path() const noexcept { return path_; }

  // Entry names ending in ".so", sorted bytewise.
  std::vector<std::string> plugin_names() const;

  // Opens the entry `name` for loading, or says why it may not be loaded.
  Outcome<UniqueFd> open_checked(const std::string& name) const;

 private:
  std::filesystem::path path_;
  std::filesystem::path real_path_;  // for deciding whether a symlink stays inside
  UniqueFd fd_;
};

}  // namespace sscsi::plugins
