#include "kube/sync/sync_result.h"

#include <fmt/format.h>

namespace sscsi::kube {

const char* to_string(SyncOutcome outcome) {
  switch (outcome) {
    case SyncOutcome::Created:
      return "created";
    case SyncOutcome::Updated:
      return "updated";
    case SyncOutcome::Unchanged:
      return "unchanged";
    case SyncOutcome::Failed:
      return "failed";
  }
  return "unknown";
}

std::string api_failure(const ApiResponse& response, const std::string& what, const char* step,
                        const char* rbac_hint) {
  std::string message = response.error;
  if (message.empty()) {
    message = fmt::format("{}: {} answered {}", what, step,
                          response.status == 0 ? std::string("nothing (no connection)")
                                               : std::to_string(response.status));
  }
  if (response.status == 403) message += fmt::format(" ({})", rbac_hint);
  return message;
}

}  // namespace sscsi::kube
