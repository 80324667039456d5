#include "mount/mountinfo.h"

#include <fmt/format.h>
#include <fstream>
#include <iterator>
#include <system_error>

#include "mount/error.h"

namespace sscsi::mount {

namespace {

bool is_octal(char c) { return c >= '0' && c <= '7'; }

// Puts the n-th (0-based) space-separated field of `line` in `field`; false when there is none.
bool nth_field(std::string_view line, int n, std::string_view& field) {
  std::size_t start = 0;
  for (int i = 0; i < n; ++i) {
    const std::size_t space = line.find(' ', start);
    if (space == std::string_view::npos) return false;
    start = space + 1;
  }
  const std::size_t end = line.find(' ', start);
  field = line.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
  return !field.empty();
}

namespace fs = std::filesystem;

// The absolute path of `target` with its parent directories resolved and its last component
// kept as it is.
std::string resolve_parent(const fs::path& target) {
  fs::path absolute = fs::absolute(target).lexically_normal();
  if (!absolute.has_filename() && absolute != absolute.root_path()) {
    absolute = absolute.parent_path();  // "/a/b/" → "/a/b"
  }
  if (absolute == absolute.root_path()) return absolute.string();
  std::error_code ec;
  const fs::path parent = fs::canonical(absolute.parent_path(), ec);
  if (ec) {
    throw Error(fmt::format("cannot resolve {}: {}", absolute.parent_path().string(), ec.message()),
                ec.value());
  }
  return (parent / absolute.filename()).string();
}

}  // namespace

std::string unescape_mountinfo_path(std::string_view field) {
  std::string out;
  out.reserve(field.size());
  for (std::size_t i = 0; i < field.size(); ++i) {
    if (field[i] == '\\' && i + 3 < field.size() && is_octal(field[i + 1]) &&
        is_octal(field[i + 2]) && is_octal(field[i + 3])) {
      const int value = (field[i + 1] - '0') * 64 + (field[i + 2] - '0') * 8 + (field[i + 3] - '0');
      if (value <= 0xff) {
        out.push_back(static_cast<char>(value));
        i += 3;
        continue;
      }
    }
    out.push_back(field[i]);
  }
  return out;
}

bool mountinfo_has_mount_point(std::string_view mountinfo, std::string_view path) {
  std::size_t start = 0;
  while (start < mountinfo.size()) {
    std::size_t end = mountinfo.find('\n', start);
    if (end == std::string_view::npos) end = mountinfo.size();
    const std::string_view line = mountinfo.substr(start, end - start);
    start = end + 1;
    // Fields: mount id, parent id, major:minor, root, mount point, options, ...
    std::string_view mount_point;
    if (nth_field(line, 4, mount_point) && unescape_mountinfo_path(mount_point) == path) {
      return true;
    }
  }
  return false;
}

bool mountinfo_lists_mount_point(const fs::path& target) {
  const std::string path = resolve_parent(target);
  std::ifstream in("/proc/self/mountinfo");
  const std::string text =
      in ? std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>())
         : std::string();
  if (text.empty()) {  // never empty when readable: the root mount is always listed
    throw Error("cannot read /proc/self/mountinfo to check whether " + path + " is a mount point");
  }
  return mountinfo_has_mount_point(text, path);
}

}  // namespace sscsi::mount
