#pragma once
// The publish/unpublish pipeline as the CSI layer and rotation see it. csi/ checks the
// shape of a request and converts it into a PublishRequest; everything stateful (resolving the
// SecretProviderClass, choosing the provider, mounting, writing, recording) happens behind this
// interface. Neither csi/ nor rotation/ knows the other.

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "mount/wipe.h"

namespace sscsi::publish {

// The token and secret values are wiped when a request goes away, so every copy (the checked
// request, remembered ones, test fakes) is covered. A move hands over the map nodes and leaves
// nothing behind; assignment is not offered, because overwriting would free unwiped values.
struct PublishRequest {
  PublishRequest() = default;
  PublishRequest(const PublishRequest&) = default;
  PublishRequest(PublishRequest&&) noexcept = default;
  PublishRequest& operator=(const PublishRequest&) = delete;
  PublishRequest& operator=(PublishRequest&&) = delete;
  ~PublishRequest() {
    mount::wipe_values(volume_context);
    mount::wipe_values(secrets);
  }

  std::string volume_id;
  std::string target_path;  // absolute; checked by csi/
  bool readonly = true;
  std::map<std::string, std::string> volume_context;  // contains tokens: never log values
  std::map<std::string, std::string> secrets;         // nodePublishSecretRef: never log values
  std::vector<std::string> mount_flags;               // informational
};

// Outcome with a CSI-level meaning; csi/ maps it onto gRPC status codes one to one.
struct Status {
  enum class Code {
    Ok,
    InvalidArgument,     // the request or the SecretProviderClass is wrong
    NotFound,            // SecretProviderClass or provider not found
    FailedPrecondition,  // e.g. the target is something we must not touch
    PermissionDenied,    // the provider's identity was refused
    ResourceExhausted,   // throttled, or a size limit
    Unavailable,         // the backend could not be reached; retry
    DeadlineExceeded,
    Aborted,  // another operation on the same target is in progress
    Internal,
  };
  Code code = Code::Ok;
  std::string message;  // actionable, never contains a secret
  bool ok() const { return code == Code::Ok; }
};

class Publisher {
 public:
  virtual ~Publisher() = default;
  // Mounts (or, when already mounted, refreshes or skips) the volume at request.target_path.
  virtual Status publish(const PublishRequest& request,
                         std::chrono::system_clock::time_point deadline) = 0;
  // Removes our files, unmounts and removes the directory; a missing target is Ok.
  virtual Status unpublish(const std::string& volume_id, const std::string& target_path) = 0;
};

// What a refresh of a mounted target did.
struct RefreshOutcome {
  // Ok, or why the refresh failed (the old content stays either way). NotFound: no such mount,
  // or no request remembered for it (after a host restart, until the kubelet republishes).
  Status status;
  bool rotated = false;  // new content was written (the `..data` swap happened)
  bool skipped = false;  // not due (poll interval or backoff): the provider was not called
};

// Refreshes a mounted volume without a kubelet republish, with the request it was last
// published with: rotation's scheduler and the admin service (sscsi-ctl refresh) call this.
class Refresher {
 public:
  virtual ~Refresher() = default;
  // `force` ignores the poll interval and the backoff.
  virtual RefreshOutcome refresh(const std::string& target_path, bool force) = 0;
};

}  // namespace sscsi::publish
