#include "publish/remembered_requests.h"

#include <string.h>

#include <utility>

namespace sscsi::publish {
namespace {

void wipe_string(std::string& text) {
  if (!text.empty()) explicit_bzero(text.data(), text.size());
}

// The deleter of every remembered copy: the tokens and secrets are gone before the memory is.
void wipe_and_delete(const PublishRequest* request) {
  auto* owned = const_cast<PublishRequest*>(request);
  wipe(*owned);
  delete owned;
}

}  // namespace

void wipe(PublishRequest& request) {
  for (auto& [key, value] : request.volume_context) wipe_string(value);
  for (auto& [key, value] : request.secrets) wipe_string(value);
}

void RememberedRequests::remember(const PublishRequest& request) {
  Shared copy(new PublishRequest(request), wipe_and_delete);
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
