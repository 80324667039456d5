#include "call_cancellation.h"

#include <chrono>

namespace sscsi::mock {

std::optional<const char*> CallCancellation::reason() const {
  if (host_.call_cancelled(host_.host_ctx, call_id_)) return "call cancelled";
  if (deadline_unix_ms_ > 0) {
    const auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    if (now >= deadline_unix_ms_) return "deadline passed";
  }
  return std::nullopt;
}

}  // namespace sscsi::mock
