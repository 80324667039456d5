#pragma once
// Reading back and clearing what the atomic writer put into a volume.

#include <filesystem>
#include <functional>
#include <map>
#include <string>

#include "mount/payload.h"

namespace sscsi::mount {

// Relative path ("dir/file") → mode and bytes.
using VolumeFiles = std::map<std::string, StoredFile>;

// The files of the version `..data` points at, resolved once so that the result is one whole
// version even if a swap happens meanwhile (callers normally hold the target's lock anyway).
// Empty when nothing was written yet. Throws mount::Error on a tampered layout.
VolumeFiles read_volume(const std::filesystem::path& target);

// Removes what the writer made: the user-visible links, `..data`, `..data_tmp` and the version
// directories. Entries that are not ours are left alone (and then keep the directory from being
// removed, which the caller reports). A missing target is not an error.
void clear_volume(const std::filesystem::path& target);

// Calls `visit(relative_path, absolute_path)` for every regular file below `version_dir`, in no
// particular order. Throws mount::Error on anything that is neither a directory nor a regular
// file (the writer never makes one), so a tampered version is never followed.
void walk_version_files(
    const std::filesystem::path& version_dir,
    const std::function<void(const std::string&, const std::filesystem::path&)>& visit);

}  // namespace sscsi::mount
