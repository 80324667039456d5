#include "csi/controller_service.h"

#include "csi/call_log.h"

namespace sscsi::csi {

namespace pb = ::csi::v1;

ControllerService::ControllerService(spdlog::logger& logger) : logger_(logger) {}

grpc::Status ControllerService::ControllerGetCapabilities(
    grpc::ServerContext*, const pb::ControllerGetCapabilitiesRequest*,
    pb::ControllerGetCapabilitiesResponse* response) {
  CallLog log(logger_, "ControllerGetCapabilities");
  response->add_capabilities()->mutable_rpc()->set_type(
      pb::ControllerServiceCapability::RPC::UNKNOWN);
  return log.done(grpc::Status::OK);
}

}  // namespace sscsi::csi
