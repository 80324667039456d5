#include "params/file_name_rules.h"

#include <algorithm>
#include <string>

#include <fmt/format.h>

#include "common/mount_error.h"
#include "params/go_strings.h"
#include "params/object_limits.h"

namespace sscsi::azure {
namespace {

std::string problem(std::string_view file_name, std::string_view what) {
  return "file name " + go_quote(file_name) + " " + std::string(what);
}

}  // namespace

void validate_file_name(std::string_view file_name) {
  if (file_name.empty()) throw invalid_parameters("file name must not be empty");
  if (file_name.front() == '/') throw invalid_parameters("file name must be a relative path");
  // Element check then the substring fallback, as upstream; the fallback alone would do.
  std::size_t start = 0;
  while (start <= file_name.size()) {
    const std::size_t end = std::min(file_name.find('/', start), file_name.size());
    if (file_name.substr(start, end - start) == "..") {
      throw invalid_parameters("file name must not contain '..'");
    }
    start = end + 1;
  }
  if (file_name.find("..") != std::string_view::npos) {
    throw invalid_parameters("file name must not contain '..'");
  }
}

void check_clean_file_name(std::string_view file_name, std::int32_t version_history) {
  if (file_name.find('\0') != std::string_view::npos) {
    throw invalid_parameters(problem(file_name, "must not contain a NUL character"));
  }
  if (file_name.back() == '/')
    throw invalid_parameters(problem(file_name, "must not end with '/'"));
  std::size_t start = 0;
  while (start < file_name.size()) {
    const std::size_t end = std::min(file_name.find('/', start), file_name.size());
    const std::string_view element = file_name.substr(start, end - start);
    if (element.empty()) {
      throw invalid_parameters(problem(file_name, "must not contain an empty path element ('//')"));
    }
    if (element == ".") {
      throw invalid_parameters(problem(file_name, "must not contain a '.' path element"));
    }
    if (element.size() > kMaxPathElementBytes) {
      throw invalid_parameters(
          problem(file_name, fmt::format("has a path element of {} bytes; at most {} are allowed",
                                         element.size(), kMaxPathElementBytes)));
    }
    start = end + 1;
  }
  std::size_t total = file_name.size();
  if (version_history > 1) total += 1 + std::to_string(version_history - 1).size();
  if (total > kMaxPathBytes) {
    throw invalid_parameters(problem(
        file_name,
        fmt::format("is {} bytes{}; at most {} are allowed", total,
                    version_history > 1 ? " with its version-history suffix" : "", kMaxPathBytes)));
  }
}

}  // namespace sscsi::azure
