#include "app/version.h"

#include <nlohmann/json.hpp>

#if !defined(SSCSI_VERSION) || !defined(SSCSI_GIT_COMMIT) || !defined(SSCSI_BUILD_DATE)
#error "host/app/CMakeLists.txt defines SSCSI_VERSION, SSCSI_GIT_COMMIT and SSCSI_BUILD_DATE"
#endif

namespace sscsi::app {

const BuildInfo& build_info() {
  static const BuildInfo info{SSCSI_VERSION, SSCSI_GIT_COMMIT, SSCSI_BUILD_DATE};
  return info;
}

std::string version_json() {
  const BuildInfo& info = build_info();
  // Key order as upstream prints it (nlohmann::ordered_json keeps insertion order).
  nlohmann::ordered_json json;
  json["BuildVersion"] = info.version;
  json["GitCommit"] = info.git_commit;
  json["BuildDate"] = info.build_date;
  return json.dump();
}

}  // namespace sscsi::app
