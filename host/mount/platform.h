#pragma once
// The platform seam: every OS-specific call the mount engine makes. Everything else in
// host/mount/ is portable C++ (std::filesystem), so porting to another OS (Windows nodes: no
// tmpfs, a plain directory and a non-atomic link swap) means one new platform_<os>.cpp.
//
// Nothing here calls fsync: volumes are tmpfs and the state dir is meant to live on /run, both
// of which vanish on reboot, so durability beyond a crash of the process buys nothing.
// Every function throws mount::Error naming the path and the OS problem.

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>

#include "mount/payload.h"

namespace sscsi::mount::platform {

// Mounts a fresh tmpfs at `target` (an existing directory) with `size=<size_bytes>,mode=0755`
// and nosuid, nodev, noexec. Refuses a size of 0 (tmpfs reads it as "unlimited"), a target that
// is a symlink (ELOOP) and one that is already a mount point (stacking would hide the mount
// below it). The directory that is checked is the one mounted on: the mount goes through its
// descriptor, so /proc must be mounted.
void mount_tmpfs(const std::filesystem::path& target, std::uint64_t size_bytes);

// Whether `target` itself is the root of a mount (bind mounts included). A path that does not
// exist is not a mount point. The last component is not followed if it is a symlink.
bool is_mount_point(const std::filesystem::path& target);

// Unmounts `target`. Returns false when it was not a mount point or does not exist (not an
// error: unmount is retried by the kubelet). A busy mount throws with sys_errno() == EBUSY.
bool unmount(const std::filesystem::path& target);

// Creates directory `dir` (its parent must exist; `dir` must not) with exactly `mode`, whatever
// the process umask. sys_errno() is EEXIST when it already exists.
void make_dir(const std::filesystem::path& dir, std::uint32_t mode);

// Creates the new file `file` (it must not exist, it is never followed as a symlink) holding
// `bytes`, with exactly `mode` (umask ignored). On failure nothing is left at `file`.
// A full volume fails with sys_errno() == ENOSPC.
void write_new_file(const std::filesystem::path& file, std::span<const std::uint8_t> bytes,
                    std::uint32_t mode);

// Reads a regular file (a symlink is refused, not followed) with its permission bits.
StoredFile read_file(const std::filesystem::path& file);

// Removes `path` and, when it is a directory, everything below it, like `rm -rf`, but never
// through a symlink: each directory is opened without following one and emptied through that
// descriptor, so swapping a directory for a symlink meanwhile cannot send the removal outside
// the tree. A missing `path` is not an error.
void remove_tree(const std::filesystem::path& path);

// Creates the symlink `link` → `points_to` (a relative target, stored as given).
void make_symlink(const std::filesystem::path& link, const std::string& points_to);

// Points the existing or missing symlink `link` at `points_to` so that readers see either the
// old or the new target and never a missing link: builds `temp_link` (same directory, replaced
// if left over) and renames it over `link`.
void replace_symlink(const std::filesystem::path& link, const std::string& points_to,
                     const std::filesystem::path& temp_link);

}  // namespace sscsi::mount::platform
