#include "call_counter.h"

namespace sscsi::mock {

std::uint64_t CallCounter::next(const std::string& key) {
  const std::lock_guard<std::mutex> lock(mutex_);
  return ++calls_[key];
}

}  // namespace sscsi::mock
