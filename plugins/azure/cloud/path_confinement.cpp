#include "cloud/path_confinement.h"

#include <algorithm>

namespace sscsi::azure {

bool is_clean_absolute_path(std::string_view path) {
  if (path.empty() || path.front() != '/') return false;
  if (path.find('\0') != std::string_view::npos) return false;
  if (path == "/") return true;
  std::size_t start = 1;
  while (start <= path.size()) {
    const std::size_t end = std::min(path.find('/', start), path.size());
    const std::string_view element = path.substr(start, end - start);
    if (element.empty() || element == "." || element == "..") return false;
    start = end + 1;
  }
  return true;
}

bool lies_inside(std::string_view path, std::string_view dir) {
  if (dir == "/") return path.size() > 1 && path.front() == '/';
  return path.size() > dir.size() + 1 && path.substr(0, dir.size()) == dir &&
         path[dir.size()] == '/';
}

bool at_or_inside_any(std::string_view path, const std::vector<std::string>& dirs) {
  for (const std::string& dir : dirs) {
    if (path == dir || lies_inside(path, dir)) return true;
  }
  return false;
}

std::string join_dirs(const std::vector<std::string>& dirs) {
  std::string joined;
  for (const std::string& dir : dirs) joined += (joined.empty() ? "" : ", ") + dir;
  return joined;
}

}  // namespace sscsi::azure
