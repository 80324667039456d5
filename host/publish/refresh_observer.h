#pragma once
// What the pipeline tells whoever schedules refreshes (rotation/) about mounted targets, so that
// publish/ never includes rotation/. Every call is made while the pipeline holds the target's
// lock: an observer records what it is told and returns; it never calls back into the pipeline
// from inside a notification.

#include <chrono>
#include <string>

#include "publish/publisher.h"

namespace sscsi::publish {

class RefreshObserver {
 public:
  virtual ~RefreshObserver() = default;
  // The target is mounted and `request` (tokens included) is what it will be refreshed with: a
  // first mount, or a kubelet republish bringing fresh tokens. Read it during the call; do not
  // keep it (it holds tokens and secrets).
  virtual void remembered(const PublishRequest& request) = 0;
  // A refresh of the target succeeded (changed content or not).
  virtual void refreshed(const std::string& target_path) = 0;
  // A refresh failed and the old content stays; `retry_after` is the provider's hint (0: none).
  virtual void failed(const std::string& target_path, std::chrono::milliseconds retry_after) = 0;
  // The target was unpublished: forget it.
  virtual void unmounted(const std::string& target_path) = 0;
  // True while a failed target waits out its backoff: the pipeline answers a republish Ok
  // without calling the provider.
  virtual bool backing_off(const std::string& target_path) = 0;
};

}  // namespace sscsi::publish
