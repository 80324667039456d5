#pragma once
// CSI Controller: a node-only driver has no controller work, but csi-sanity calls
// ControllerGetCapabilities before its Node tests and fails on UNIMPLEMENTED or an empty list,
// so it answers one capability of RPC type UNKNOWN, as upstream does. Every other controller
// method is absent from the proto, and gRPC answers it UNIMPLEMENTED (upstream's answer too).

#include <spdlog/logger.h>

#include "csi/proto/csi.grpc.pb.h"

namespace sscsi::csi {

class ControllerService final : public ::csi::v1::Controller::Service {
 public:
  explicit ControllerService(spdlog::logger& logger);

  grpc::Status ControllerGetCapabilities(
      grpc::ServerContext* context, const ::csi::v1::ControllerGetCapabilitiesRequest* request,
      ::csi::v1::ControllerGetCapabilitiesResponse* response) override;

 private:
  spdlog::logger& logger_;
};

}  // namespace sscsi::csi
