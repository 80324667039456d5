#pragma once
// What this binary is: version, commit and build date, fixed at configure time by CMake.

#include <string>

namespace sscsi::app {

struct BuildInfo {
  std::string version;     // the project version, e.g. 0.1.0
  std::string git_commit;  // short commit id, or "unknown" outside a git checkout
  std::string build_date;  // ISO-8601 UTC, e.g. 2026-11-29T02:12:01Z
};

const BuildInfo& build_info();

// One JSON line in upstream's --version shape: {"BuildVersion":…,"GitCommit":…,"BuildDate":…}.
std::string version_json();

}  // namespace sscsi::app
