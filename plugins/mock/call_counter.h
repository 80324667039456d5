#pragma once
// Counts mount calls per target path, for failFirst ("fail the first N calls for this volume").
// mount runs concurrently, so counting is serialised.

#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

namespace sscsi::mock {

class CallCounter {
 public:
  // Counts one more call for `key` and returns its number: 1 for the first call.
  std::uint64_t next(const std::string& key);

 private:
  std::mutex mutex_;
  std::unordered_map<std::string, std::uint64_t> calls_;
};

}  // namespace sscsi::mock
