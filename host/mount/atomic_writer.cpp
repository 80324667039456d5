#include "mount/atomic_writer.h"

#include <fmt/format.h>
#include <cerrno>
#include <chrono>
#include <optional>
#include <random>
#include <set>
#include <string_view>
#include <system_error>
#include <unordered_map>
#include <unordered_set>

#include "mount/error.h"
#include "mount/layout.h"
#include "mount/platform.h"
#include "mount/volume_contents.h"

namespace sscsi::mount {

namespace fs = std::filesystem;

namespace {

constexpr std::uint32_t kDirectoryMode = 0755;

using NameSet = std::set<std::string, std::less<>>;

std::uint32_t random_suffix() {
  thread_local std::mt19937 engine{std::random_device{}()};
  return std::uniform_int_distribution<std::uint32_t>{}(engine);
}

void require_directory(const fs::path& target) {
  std::error_code ec;
  const fs::file_type type = fs::symlink_status(target, ec).type();
  if (type == fs::file_type::directory) return;
  if (type == fs::file_type::not_found) {
    throw Error(fmt::format("cannot write into {}: it does not exist", target.string()), ENOENT);
  }
  if (ec) throw Error(fmt::format("cannot inspect {}: {}", target.string(), ec.message()));
  throw Error(fmt::format("cannot write into {}: it is not a directory", target.string()), ENOTDIR);
}

// A payload name must not land on an entry someone else put there: refuse before any change.
void refuse_foreign_collisions(const fs::path& target,
                               const std::vector<layout::TopLevelEntry>& entries,
                               const NameSet& first_elements) {
  for (const layout::TopLevelEntry& entry : entries) {
    if (entry.kind == layout::EntryKind::Foreign && first_elements.contains(entry.name)) {
      throw Error(fmt::format("cannot write {} into {}: an entry of that name is already there "
                              "and was not written by sscsi ({}); remove it or rename the object",
                              layout::quoted(entry.name), target.string(), entry.description),
                  EEXIST);
    }
  }
}

// `..data_tmp` and version directories that `..data` does not point at are leftovers of a
// crashed write (no write runs concurrently: the caller holds the target's lock).
void remove_leftovers(const fs::path& target, const std::vector<layout::TopLevelEntry>& entries,
                      const std::optional<std::string>& current) {
  for (const layout::TopLevelEntry& entry : entries) {
    const bool leftover = entry.name == layout::kDataTempLink ||
                          (layout::is_version_dir_name(entry.name) && entry.name != current);
    if (!leftover) continue;
    platform::remove_tree(target / entry.name);
  }
}

// Whether `version_dir` holds exactly `files`: the same paths, modes and bytes. Reads one file
// at a time, so comparing costs no second copy of the volume. An unreadable version counts as
// different, so that it gets replaced.
bool holds_exactly(const fs::path& version_dir, const std::vector<PayloadFile>& files) {
  std::unordered_map<std::string_view, const PayloadFile*> wanted;
  wanted.reserve(files.size());
  for (const PayloadFile& file : files) wanted.emplace(file.path, &file);
  std::size_t seen = 0;
  bool same = true;
  try {
    walk_version_files(version_dir, [&](const std::string& relative, const fs::path& path) {
      if (!same) return;
      const auto it = wanted.find(relative);
      if (it == wanted.end()) {
        same = false;
        return;
      }
      const StoredFile stored = platform::read_file(path);
      same = stored.mode == it->second->mode && stored.data == it->second->data;
      ++seen;
    });
  } catch (const Error&) {
    return false;
  }
  return same && seen == files.size();
}

std::string create_version_dir(const fs::path& target) {
  constexpr int kAttempts = 16;
  for (int attempt = 1;; ++attempt) {
    std::string name = layout::version_dir_name(std::chrono::system_clock::now(), random_suffix());
    try {
      platform::make_dir(target / name, kDirectoryMode);
      return name;
    } catch (const Error& error) {
      if (error.sys_errno() != EEXIST || attempt == kAttempts) throw;
    }
  }
}

void write_version(const fs::path& version_dir, const std::vector<PayloadFile>& files) {
  std::unordered_set<std::string_view> made;
  for (const PayloadFile& file : files) {
    const std::string_view path = file.path;
    for (std::size_t slash = path.find('/'); slash != std::string_view::npos;
         slash = path.find('/', slash + 1)) {
      const std::string_view directory = path.substr(0, slash);
      if (made.insert(directory).second) {
        platform::make_dir(version_dir / directory, kDirectoryMode);
      }
    }
    platform::write_new_file(version_dir / file.path, file.data, file.mode);
  }
}

// Adds a `<name> -> ..data/<name>` link for every first element and removes our links for names
// the payload no longer has. Foreign entries are never touched.
void sync_user_links(const fs::path& target, const std::vector<layout::TopLevelEntry>& entries,
                     const NameSet& first_elements) {
  NameSet linked;
  for (const layout::TopLevelEntry& entry : entries) {
    if (entry.kind != layout::EntryKind::UserLink) continue;
    if (first_elements.contains(entry.name)) {
      linked.insert(entry.name);
      continue;
    }
    std::error_code ec;
    fs::remove(target / entry.name, ec);
    if (ec) {
      throw Error(fmt::format("cannot remove the stale link {}: {}", (target / entry.name).string(),
                              ec.message()));
    }
  }
  for (const std::string& name : first_elements) {
    if (!linked.contains(name))
      platform::make_symlink(target / name, layout::user_link_target(name));
  }
}

}  // namespace

WriteResult write_payload(const fs::path& target, const std::vector<PayloadFile>& files,
                          const WriteLimits& limits) {
  check_payload(files, limits);
  require_directory(target);

  NameSet first_elements;
  for (const PayloadFile& file : files) first_elements.emplace(layout::first_element(file.path));
  const std::vector<layout::TopLevelEntry> entries = layout::top_level_entries(target);
  refuse_foreign_collisions(target, entries, first_elements);
  const std::optional<std::string> current = layout::current_version_dir(target);
  remove_leftovers(target, entries, current);

  WriteResult result;
  if (current && holds_exactly(target / *current, files)) {
    result.version_dir = *current;
  } else {
    result.version_dir = create_version_dir(target);
    const fs::path version_dir = target / result.version_dir;
    try {
      write_version(version_dir, files);
      platform::replace_symlink(target / layout::kDataLink, result.version_dir,
                                target / layout::kDataTempLink);
    } catch (...) {
      try {
        platform::remove_tree(version_dir);
      } catch (const Error&) {
        // the original error is the one worth reporting
      }
      throw;
    }
    result.swapped = true;
  }

  // From here on the new version is live; a failure below is reported, and the next write
  // repairs links and leftovers.
  sync_user_links(target, entries, first_elements);
  if (result.swapped && current) {
    try {
      platform::remove_tree(target / *current);
    } catch (const Error& error) {
      throw Error(fmt::format("the new version is in place, but the old version directory "
                              "could not be removed: {}",
                              error.what()),
                  error.sys_errno());
    }
  }
  return result;
}

}  // namespace sscsi::mount
