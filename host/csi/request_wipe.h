#pragma once
// The kubelet's publish request carries service-account tokens (volume context, or secrets with
// serviceAccountTokenInSecrets) and nodePublishSecretRef contents. Once the handler is done
// with it, those values are overwritten, so gRPC frees the message without them.
// What gRPC itself held before parsing (its receive buffers) is out of the host's reach.

#include "csi/proto/csi.pb.h"

namespace sscsi::csi {

// Zeroes every value of request.secrets() and request.volume_context(). Never throws.
void wipe_credentials(::csi::v1::NodePublishVolumeRequest& request) noexcept;

// Calls wipe_credentials when the handler returns. gRPC hands handlers a const message it owns
// and destroys right after they return; overwriting it in place is the only way to reach it.
class WipeOnReturn {
 public:
  explicit WipeOnReturn(const ::csi::v1::NodePublishVolumeRequest& request)
      : request_(const_cast<::csi::v1::NodePublishVolumeRequest&>(request)) {}
  ~WipeOnReturn() { wipe_credentials(request_); }
  WipeOnReturn(const WipeOnReturn&) = delete;
  WipeOnReturn& operator=(const WipeOnReturn&) = delete;

 private:
  ::csi::v1::NodePublishVolumeRequest& request_;
};

}  // namespace sscsi::csi
