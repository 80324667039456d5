#pragma once
// CSI Identity: who the driver is and whether it is ready. node-driver-registrar asks
// GetPluginInfo once; livenessprobe calls Probe every few seconds.

#include <functional>
#include <string>

#include <spdlog/logger.h>

#include "csi/proto/csi.grpc.pb.h"

namespace sscsi::csi {

class IdentityService final : public ::csi::v1::Identity::Service {
 public:
  // `ready` answers Probe; empty means always ready. It is called on gRPC threads, concurrently.
  IdentityService(std::string driver_name, std::string version, std::function<bool()> ready,
                  spdlog::logger& logger);

  // name = driver name, vendor_version = build version; UNAVAILABLE when either is empty.
  grpc::Status GetPluginInfo(grpc::ServerContext* context,
                             const ::csi::v1::GetPluginInfoRequest* request,
                             ::csi::v1::GetPluginInfoResponse* response) override;

  // CONTROLLER_SERVICE only, as upstream (the controller answers capabilities and nothing else).
  grpc::Status GetPluginCapabilities(grpc::ServerContext* context,
                                     const ::csi::v1::GetPluginCapabilitiesRequest* request,
                                     ::csi::v1::GetPluginCapabilitiesResponse* response) override;

  // ready = the readiness callback's answer; a callback that throws makes Probe fail (the CSI
  // spec's "unhealthy" answer is an error status).
  grpc::Status Probe(grpc::ServerContext* context, const ::csi::v1::ProbeRequest* request,
                     ::csi::v1::ProbeResponse* response) override;

 private:
  std::string driver_name_;
  std::string version_;
  std::function<bool()> ready_;
  spdlog::logger& logger_;
};

}  // namespace sscsi::csi
