#include "output_path.h"

#include <cstddef>

namespace sscsi::mock {
namespace {

constexpr std::size_t kMaxPathBytes = 4096;
constexpr std::size_t kMaxPathElementBytes = 255;

}  // namespace

std::optional<std::string> output_path_problem(std::string_view path) {
  if (path.empty()) return "is empty";
  if (path.size() > kMaxPathBytes) {
    return "is " + std::to_string(path.size()) + " bytes long, more than the limit of " +
           std::to_string(kMaxPathBytes);
  }
  if (path.find('\0') != std::string_view::npos) return "contains a NUL byte";
  if (path.front() == '/') return "is absolute; it must be relative to the volume";
  if (path.back() == '/') return "ends with '/'";

  bool first = true;
  std::size_t start = 0;
  while (start <= path.size()) {
    std::size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    const std::string_view element = path.substr(start, end - start);
    if (element.empty()) return "contains an empty element ('//')";
    if (element == ".") return "contains a '.' element";
    if (element == "..") return "contains a '..' element";
    if (element.size() > kMaxPathElementBytes) {
      return "has an element of " + std::to_string(element.size()) +
             " bytes, more than the limit of " + std::to_string(kMaxPathElementBytes);
    }
    if (first && element.starts_with("..")) {
      return "starts with '..', which the volume reserves for its own bookkeeping";
    }
    first = false;
    start = end + 1;
  }
  return std::nullopt;
}

}  // namespace sscsi::mock
