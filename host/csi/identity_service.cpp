#include "csi/identity_service.h"

#include <exception>

#include <fmt/format.h>

#include "csi/call_log.h"

namespace sscsi::csi {

namespace pb = ::csi::v1;

IdentityService::IdentityService(std::string driver_name, std::string version,
                                 std::function<bool()> ready, spdlog::logger& logger)
    : driver_name_(std::move(driver_name)),
      version_(std::move(version)),
      ready_(std::move(ready)),
      logger_(logger) {}

grpc::Status IdentityService::GetPluginInfo(grpc::ServerContext*, const pb::GetPluginInfoRequest*,
                                            pb::GetPluginInfoResponse* response) {
  CallLog log(logger_, "GetPluginInfo");
  if (driver_name_.empty()) {
    return log.done({grpc::StatusCode::UNAVAILABLE, "Driver name not configured"});
  }
  if (version_.empty()) {
    return log.done({grpc::StatusCode::UNAVAILABLE, "Driver is missing version"});
  }
  response->set_name(driver_name_);
  response->set_vendor_version(version_);
  return log.done(grpc::Status::OK);
}

grpc::Status IdentityService::GetPluginCapabilities(grpc::ServerContext*,
                                                    const pb::GetPluginCapabilitiesRequest*,
                                                    pb::GetPluginCapabilitiesResponse* response) {
  CallLog log(logger_, "GetPluginCapabilities");
  response->add_capabilities()->mutable_service()->set_type(
      pb::PluginCapability::Service::CONTROLLER_SERVICE);
  return log.done(grpc::Status::OK);
}

grpc::Status IdentityService::Probe(grpc::ServerContext*, const pb::ProbeRequest*,
                                    pb::ProbeResponse* response) {
  CallLog log(logger_, "Probe", {}, {}, CallLog::Noise::Frequent);
  bool ready = true;
  if (ready_) {
    try {
      ready = ready_();
    } catch (const std::exception& error) {
      return log.done(
          {grpc::StatusCode::INTERNAL, fmt::format("readiness check failed: {}", error.what())});
    }
  }
  response->mutable_ready()->set_value(ready);
  return log.done(grpc::Status::OK);
}

}  // namespace sscsi::csi
