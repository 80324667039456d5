#include "mount/volume_contents.h"

#include <fmt/format.h>
#include <system_error>

#include "mount/error.h"
#include "mount/layout.h"
#include "mount/platform.h"

namespace sscsi::mount {

namespace fs = std::filesystem;

void walk_version_files(const fs::path& version_dir,
                        const std::function<void(const std::string&, const fs::path&)>& visit) {
  std::error_code ec;
  // Symlinked directories are not followed (the default); a symlink is refused below.
  for (fs::recursive_directory_iterator it(version_dir, ec), end; !ec && it != end;
       it.increment(ec)) {
    const fs::file_type type = it->symlink_status(ec).type();
    if (ec) break;
    if (type == fs::file_type::directory) continue;
    const std::string relative = it->path().lexically_relative(version_dir).generic_string();
    if (type != fs::file_type::regular) {
      throw Error(
          fmt::format("{} holds {}, which is not a regular file or directory; the volume "
                      "was changed by something other than sscsi",
                      version_dir.string(), layout::quoted(relative)));
    }
    visit(relative, it->path());
  }
  if (ec) throw Error(fmt::format("cannot list {}: {}", version_dir.string(), ec.message()));
}

VolumeFiles read_volume(const fs::path& target) {
  VolumeFiles files;
  const std::optional<std::string> version = layout::current_version_dir(target);
  if (!version) return files;
  walk_version_files(target / *version, [&](const std::string& relative, const fs::path& path) {
    files.emplace(relative, platform::read_file(path));
  });
  return files;
}

void clear_volume(const fs::path& target) {
  std::error_code ec;
  if (fs::symlink_status(target, ec).type() == fs::file_type::not_found) return;
  // Links first, then ..data, then the directories: a reader never follows a link into a
  // directory that is already gone without the link being gone too.
  std::vector<layout::TopLevelEntry> entries = layout::top_level_entries(target);
  const auto remove = [&](const layout::TopLevelEntry& entry) {
    platform::remove_tree(target / entry.name);
  };
  for (const auto& entry : entries) {
    if (entry.kind == layout::EntryKind::UserLink) remove(entry);
  }
  for (const auto& entry : entries) {
    if (entry.name == layout::kDataLink || entry.name == layout::kDataTempLink) remove(entry);
  }
  for (const auto& entry : entries) {
    if (entry.kind == layout::EntryKind::Bookkeeping && layout::is_version_dir_name(entry.name)) {
      remove(entry);
    }
  }
}

}  // namespace sscsi::mount
