#pragma once
// The last PublishRequest each mounted target was published with, so that a refresh without a
// kubelet republish (rotation, sscsi-ctl refresh) can send the provider the same attributes,
// tokens and nodePublishSecretRef secrets. Held in memory only, never written anywhere; every
// value is wiped (~PublishRequest) when the request is replaced or forgotten and its last user
// lets go of it. After a host restart nothing is remembered until the kubelet republishes.

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "publish/publisher.h"

namespace sscsi::publish {

class RememberedRequests {
 public:
  using Shared = std::shared_ptr<const PublishRequest>;

  // Replaces what was remembered for request.target_path with a copy of `request`.
  void remember(const PublishRequest& request);
  // The request remembered for the target, or null. The copy stays valid (and unwiped) while
  // the caller holds it, even if it is replaced meanwhile.
  Shared find(const std::string& target_path) const;
  void forget(const std::string& target_path);
  // Every remembered request, for an observer attached after mounts were made.
  std::vector<Shared> all() const;
  std::size_t size() const;

 private:
  mutable std::mutex mutex_;
  std::map<std::string, Shared> requests_;
};

}  // namespace sscsi::publish
