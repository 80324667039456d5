#pragma once
// The on-disk layout of a volume, identical to the kubelet's atomic writer so that applications
// watching `..data` keep working:
//
//   T/..data          -> ..2024_05_01_12_00_00.1234567   (the current version, swapped by rename)
//   T/..2024_05_01_12_00_00.1234567/   the version's files (nested directories allowed)
//   T/<name>          -> ..data/<name>  for every first path element of the payload
//
// Entries whose name starts with ".." are bookkeeping (payload paths may not start with "..").

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sscsi::mount::layout {

inline constexpr std::string_view kDataLink = "..data";
inline constexpr std::string_view kDataTempLink = "..data_tmp";

// "..YYYY_MM_DD_HH_MM_SS.<random>" with the time in UTC and the random number in decimal, as Go's
// os.MkdirTemp(dir, "..2006_01_02_15_04_05.") names it.
std::string version_dir_name(std::chrono::system_clock::time_point time, std::uint32_t random);

// Whether `name` has the shape version_dir_name produces.
bool is_version_dir_name(std::string_view name);

// The first element of a relative path ("a" for "a/b/c").
std::string_view first_element(std::string_view path);

// What a user-visible top-level symlink for `first` points at: "..data/<first>".
std::string user_link_target(std::string_view first);

// The version directory `..data` points at, or nullopt when nothing was written yet. Throws
// mount::Error when `..data` exists but is not a symlink to a version directory name (the
// volume was tampered with; nothing is read through such a link).
std::optional<std::string> current_version_dir(const std::filesystem::path& target);

enum class EntryKind {
  Bookkeeping,  // name starts with ".."
  UserLink,     // a symlink <name> -> ..data/<name>
  Foreign,      // anything else: not written by us
};

struct TopLevelEntry {
  std::string name;
  EntryKind kind = EntryKind::Foreign;
  std::string description;  // "a regular file", "a symlink to /x", … (for error messages)
};

// Every entry directly inside `target`, classified.
std::vector<TopLevelEntry> top_level_entries(const std::filesystem::path& target);

// `text` quoted for an error message: non-printable bytes as \xNN, cut after 128 bytes.
std::string quoted(std::string_view text);

}  // namespace sscsi::mount::layout
