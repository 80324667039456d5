#include "mount_table.h"

#include <sys/mount.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace sscsi::testing_support {
namespace {

namespace fs = std::filesystem;

// mountinfo escapes space, tab, newline and backslash as \ooo (octal).
std::string unescape(const std::string& field) {
  std::string out;
  for (std::size_t i = 0; i < field.size(); ++i) {
    if (field[i] == '\\' && i + 3 < field.size()) {
      const std::string digits = field.substr(i + 1, 3);
      if (std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '7'; })) {
        out += static_cast<char>(std::stoi(digits, nullptr, 8));
        i += 3;
        continue;
      }
    }
    out += field[i];
  }
  return out;
}

bool is_at_or_below(const fs::path& path, const fs::path& root) {
  const std::string p = path.string();
  const std::string r = root.string();
  return p == r || (p.size() > r.size() && p.starts_with(r) && p[r.size()] == '/');
}

// One line: id parent major:minor root mount-point options [optional…] - type source super.
MountEntry parse_line(const std::string& line) {
  std::istringstream in(line);
  std::vector<std::string> fields;
  for (std::string field; in >> field;) fields.push_back(field);
  const auto dash = std::find(fields.begin(), fields.end(), "-");
  if (fields.size() < 10 || dash == fields.end() || fields.end() - dash < 4) {
    throw std::runtime_error("unexpected /proc/self/mountinfo line: " + line);
  }
  return MountEntry{unescape(fields[4]), *(dash + 1), fields[5], *(dash + 3)};
}

std::vector<MountEntry> all_mounts() {
  std::ifstream in("/proc/self/mountinfo");
  if (!in) throw std::runtime_error("cannot read /proc/self/mountinfo");
  std::vector<MountEntry> mounts;
  for (std::string line; std::getline(in, line);) mounts.push_back(parse_line(line));
  return mounts;
}

}  // namespace

std::vector<MountEntry> mounts_under(const fs::path& root) {
  std::vector<MountEntry> found;
  for (MountEntry& entry : all_mounts()) {
    if (is_at_or_below(entry.mount_point, root)) found.push_back(std::move(entry));
  }
  return found;
}

std::size_t mount_count_at(const fs::path& path) {
  std::size_t count = 0;
  for (const MountEntry& entry : all_mounts()) count += entry.mount_point == path ? 1 : 0;
  return count;
}

bool has_mount_option(const std::string& options, const std::string& option) {
  std::istringstream in(options);
  for (std::string item; std::getline(in, item, ',');) {
    if (item == option) return true;
  }
  return false;
}

std::size_t detach_mounts_under(const fs::path& root) {
  std::size_t detached = 0;
  // Each pass detaches the newest mount of the deepest path; stacked mounts take several passes.
  for (int pass = 0; pass < 10000; ++pass) {
    std::vector<MountEntry> mounts = mounts_under(root);
    if (mounts.empty()) break;
    const auto deepest = std::max_element(
        mounts.rbegin(), mounts.rend(), [](const MountEntry& a, const MountEntry& b) {
          return a.mount_point.string().size() < b.mount_point.string().size();
        });
    if (::umount2(deepest->mount_point.c_str(), MNT_DETACH | UMOUNT_NOFOLLOW) != 0) break;
    ++detached;
  }
  return detached;
}

}  // namespace sscsi::testing_support
