#include "mount/path_rules.h"

#include <fmt/format.h>
#include <cstdint>

namespace sscsi::mount {

std::optional<std::string> path_problem(std::string_view path) {
  if (path.empty()) return "path is empty";
  if (path.size() > kMaxPathBytes) {
    return fmt::format("path is {} bytes long, more than the limit of {}", path.size(),
                       kMaxPathBytes);
  }
  if (path.find('\0') != std::string_view::npos) return "path contains a NUL byte";
  if (path.front() == '/') return "path is absolute";
  if (path.back() == '/') return "path is not clean: it ends with '/'";

  bool first = true;
  std::size_t start = 0;
  while (start <= path.size()) {
    std::size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    const std::string_view element = path.substr(start, end - start);
    if (element.empty()) return "path is not clean: it contains '//'";
    if (element == ".") return "path is not clean: it contains a '.' element";
    if (element == "..") return "path contains a '..' element";
    if (element.size() > kMaxPathElementBytes) {
      return fmt::format("path element is {} bytes long, more than the limit of {}", element.size(),
                         kMaxPathElementBytes);
    }
    if (first && element.starts_with("..")) {
      return "path's first element starts with '..', which is reserved for the volume's own "
             "bookkeeping";
    }
    first = false;
    start = end + 1;
  }
  return std::nullopt;
}

std::optional<std::string> mode_problem(std::uint32_t mode) {
  if (mode > 0777) return fmt::format("mode {:#o} is outside 0..0777", mode);
  return std::nullopt;
}

}  // namespace sscsi::mount
