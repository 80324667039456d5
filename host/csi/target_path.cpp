#include "csi/target_path.h"

#include <climits>
#include <vector>

#include <fmt/format.h>

namespace sscsi::csi {
namespace {

std::vector<std::string_view> split_elements(std::string_view path) {
  std::vector<std::string_view> elements;
  std::size_t start = 1;  // skip the leading '/'
  while (start <= path.size()) {
    const std::size_t slash = path.find('/', start);
    const std::size_t end = slash == std::string_view::npos ? path.size() : slash;
    elements.push_back(path.substr(start, end - start));
    start = end + 1;
  }
  return elements;
}

}  // namespace

std::optional<std::string> absolute_clean_problem(std::string_view path) {
  if (path.find('\0') != std::string_view::npos) return "contains a NUL byte";
  // The kubelet never makes such paths, and one with a line break would forge log lines.
  for (std::size_t i = 0; i < path.size(); ++i) {
    const auto byte = static_cast<unsigned char>(path[i]);
    if (byte < 0x20 || byte == 0x7f) {
      return fmt::format("contains the control character {:#04x} at byte {}", byte, i);
    }
  }
  if (!path.starts_with('/')) return "is not absolute";
  if (path == "/") return "is the root directory";
  if (path.size() >= PATH_MAX) {
    return fmt::format("is {} bytes long; paths are limited to {}", path.size(), PATH_MAX - 1);
  }
  if (path.ends_with('/')) return "is not clean: it ends with '/'";
  for (const std::string_view element : split_elements(path)) {
    if (element.empty()) return "is not clean: it contains '//'";
    if (element == ".") return "is not clean: it contains a '.' element";
    if (element == "..") return "is not clean: it contains a '..' element";
  }
  return std::nullopt;
}

std::optional<std::string> kubelet_pod_uid(std::string_view path) {
  const std::vector<std::string_view> elements = split_elements(path);
  if (elements.size() < 6) return std::nullopt;
  const auto from_end = [&](std::size_t i) { return elements[elements.size() - 1 - i]; };
  if (from_end(0) != "mount" || from_end(1).empty() || from_end(2) != "kubernetes.io~csi" ||
      from_end(3) != "volumes" || from_end(4).empty() || from_end(5) != "pods") {
    return std::nullopt;
  }
  return std::string(from_end(4));
}

}  // namespace sscsi::csi
