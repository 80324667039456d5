#include "publish/remembered_requests.h"

#include <utility>

namespace sscsi::publish {

void RememberedRequests::remember(const PublishRequest& request) {
  // The copy wipes its tokens and secrets when its last user lets go (~PublishRequest).
  Shared copy = std::make_shared<const PublishRequest>(request);
  Shared replaced;  // released (and wiped) outside the lock
  std::lock_guard lock(mutex_);
  Shared& slot = requests_[request.target_path];
  replaced = std::exchange(slot, std::move(copy));
}

RememberedRequests::Shared RememberedRequests::find(const std::string& target_path) const {
  std::lock_guard lock(mutex_);
  auto it = requests_.find(target_path);
  return it == requests_.end() ? nullptr : it->second;
}

void RememberedRequests::forget(const std::string& target_path) {
  Shared forgotten;
  std::lock_guard lock(mutex_);
  auto it = requests_.find(target_path);
  if (it == requests_.end()) return;
  forgotten = std::move(it->second);
  requests_.erase(it);
}

std::vector<RememberedRequests::Shared> RememberedRequests::all() const {
  std::lock_guard lock(mutex_);
  std::vector<Shared> out;
  out.reserve(requests_.size());
  for (const auto& [target, request] : requests_) out.push_back(request);
  return out;
}

std::size_t RememberedRequests::size() const {
  std::lock_guard lock(mutex_);
  return requests_.size();
}

}  // namespace sscsi::publish
