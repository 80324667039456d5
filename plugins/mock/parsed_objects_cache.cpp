#include "parsed_objects_cache.h"

namespace sscsi::mock {

std::shared_ptr<const std::vector<ObjectSpec>> ParsedObjectsCache::get(
    std::string_view objects_yaml) {
  std::string key(objects_yaml);
  {
    std::lock_guard lock(mutex_);
    if (auto it = entries_.find(key); it != entries_.end()) return it->second;
  }
  // Parsed outside the lock: a slow parse must not hold up mounts of other classes.
  auto parsed = std::make_shared<const std::vector<ObjectSpec>>(parse_objects(objects_yaml));
  std::lock_guard lock(mutex_);
  if (entries_.size() >= capacity_) entries_.clear();
  entries_.emplace(std::move(key), parsed);
  return parsed;
}

}  // namespace sscsi::mock
