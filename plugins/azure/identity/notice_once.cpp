#include "identity/notice_once.h"

namespace sscsi::azure {

bool NoticeOnce::notify(std::string_view key, std::string_view message) {
  {
    std::lock_guard guard(mutex_);
    if (!seen_.emplace(key).second) return false;
  }
  if (sink_) sink_(message);
  return true;
}

}  // namespace sscsi::azure
