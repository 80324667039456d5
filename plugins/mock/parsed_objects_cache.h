#pragma once
// Parsed `objects` parameters, remembered by their exact text. Every pod of a workload sends the
// same parameter on every mount and refresh, and parsing YAML-in-YAML is most of a mount's CPU
// time (profiled: ~40% of the host's cycles in yaml-cpp with 5 inline objects), so each distinct
// text is parsed once. Only valid parameters are remembered; errors are parsed (and reported)
// every time. Thread-safe.

#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "object_spec.h"

namespace sscsi::mock {

class ParsedObjectsCache {
 public:
  // At most `capacity` texts are kept; when full, the cache starts over (classes rarely change,
  // so a simple reset beats bookkeeping for an LRU).
  explicit ParsedObjectsCache(std::size_t capacity = 256) : capacity_(capacity) {}

  // parse_objects(objects_yaml), from the cache when this text was parsed before.
  std::shared_ptr<const std::vector<ObjectSpec>> get(std::string_view objects_yaml);

 private:
  std::size_t capacity_;
  std::mutex mutex_;
  std::unordered_map<std::string, std::shared_ptr<const std::vector<ObjectSpec>>> entries_;
};

}  // namespace sscsi::mock
