#include "csi/request_wipe.h"

#include "mount/wipe.h"

namespace sscsi::csi {
namespace {

void wipe_values(google::protobuf::Map<std::string, std::string>& entries) noexcept {
  for (auto& entry : entries) mount::wipe(entry.second);
}

}  // namespace

void wipe_credentials(::csi::v1::NodePublishVolumeRequest& request) noexcept {
  wipe_values(*request.mutable_secrets());
  wipe_values(*request.mutable_volume_context());
}

}  // namespace sscsi::csi
