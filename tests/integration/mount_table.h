#pragma once
// The kernel's view of mounts, read from /proc/self/mountinfo, for tests that check what the
// host mounted and that nothing is left behind. Independent of host/mount/ on purpose: the
// integration tests judge the host from outside.

#include <filesystem>
#include <string>
#include <vector>

namespace sscsi::testing_support {

struct MountEntry {
  std::filesystem::path mount_point;
  std::string fs_type;
  std::string mount_options;  // per-mount options (rw, nosuid, nodev, noexec, …)
  std::string super_options;  // filesystem options (size=…, mode=…)
};

// Every mount whose mount point is `root` or lies below it, in mountinfo order (a mount stacked
// on another appears once per layer).
std::vector<MountEntry> mounts_under(const std::filesystem::path& root);

// How many mounts sit exactly at `path` (2 or more: stacked mounts).
std::size_t mount_count_at(const std::filesystem::path& path);

// Whether `options` (a comma-separated mountinfo field) holds `option` as a whole item.
bool has_mount_option(const std::string& options, const std::string& option);

// Detaches every mount below `root`, deepest and newest first (MNT_DETACH, so a busy mount cannot
// keep a test's temp directory alive). Returns how many it detached. For teardown only.
std::size_t detach_mounts_under(const std::filesystem::path& root);

}  // namespace sscsi::testing_support
