#pragma once
// Reading /proc/self/mountinfo: the fallback for is_mount_point on kernels older than 5.8,
// which cannot report STATX_ATTR_MOUNT_ROOT. mountinfo lists every mount of the process's
// mount namespace, bind mounts included (comparing st_dev with the parent misses a bind mount
// of a directory from the same filesystem).

#include <filesystem>
#include <string>
#include <string_view>

namespace sscsi::mount {

// Decodes the octal escapes the kernel writes in mountinfo paths (\040 space, \011 tab,
// \012 newline, \134 backslash). Anything else is kept as it is.
std::string unescape_mountinfo_path(std::string_view field);

// Whether a line of `mountinfo` (the text of /proc/<pid>/mountinfo) has `path` as its mount
// point (the fifth field). `path` must be absolute and canonical (no symlinks, no "..").
// Malformed lines are ignored.
bool mountinfo_has_mount_point(std::string_view mountinfo, std::string_view path);

// Whether the existing path `target` is listed as a mount point in /proc/self/mountinfo. Its
// parent directories are resolved (mountinfo lists resolved paths); its last component is not
// followed, like is_mount_point. Throws mount::Error when the table or the path cannot be read.
bool mountinfo_lists_mount_point(const std::filesystem::path& target);

}  // namespace sscsi::mount
