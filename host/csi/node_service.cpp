#include "csi/node_service.h"

#include <exception>

#include <fmt/format.h>

#include "csi/call_log.h"
#include "csi/printable.h"
#include "csi/request_wipe.h"
#include "csi/status_codes.h"

namespace sscsi::csi {

namespace pb = ::csi::v1;

namespace {

grpc::Status to_grpc(const RequestError& error) { return {error.code, error.message}; }

grpc::Status to_grpc(const publish::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  return {to_grpc_code(status.code), status.message};
}

// Publisher implementations return a Status; an exception escaping one is a bug. Its text is not
// passed on: it could quote the request (a JSON parser's error does), and requests hold tokens.
grpc::Status unexpected_exception(std::string_view operation, const std::string& target) {
  return {grpc::StatusCode::INTERNAL,
          fmt::format("{} of target {} failed with an unexpected internal error", operation,
                      printable(target))};
}

}  // namespace

NodeService::NodeService(publish::Publisher& publisher, std::string node_id, TargetPolicy policy,
                         spdlog::logger& logger)
    : publisher_(publisher), node_id_(std::move(node_id)), policy_(policy), logger_(logger) {}

grpc::Status NodeService::NodeStageVolume(grpc::ServerContext*,
                                          const pb::NodeStageVolumeRequest* request,
                                          pb::NodeStageVolumeResponse*) {
  CallLog log(logger_, "NodeStageVolume", request->volume_id(), request->staging_target_path());
  if (auto error = check_node_stage(*request)) return log.done(to_grpc(*error));
  return log.done(grpc::Status::OK);
}

grpc::Status NodeService::NodeUnstageVolume(grpc::ServerContext*,
                                            const pb::NodeUnstageVolumeRequest* request,
                                            pb::NodeUnstageVolumeResponse*) {
  CallLog log(logger_, "NodeUnstageVolume", request->volume_id(), request->staging_target_path());
  if (auto error = check_node_unstage(*request)) return log.done(to_grpc(*error));
  return log.done(grpc::Status::OK);
}

grpc::Status NodeService::NodePublishVolume(grpc::ServerContext* context,
                                            const pb::NodePublishVolumeRequest* request,
                                            pb::NodePublishVolumeResponse*) {
  const WipeOnReturn wipe(*request);  // declared first: wipes after the call is logged
  CallLog log(logger_, "NodePublishVolume", request->volume_id(), request->target_path());
  auto checked = check_node_publish(*request, policy_);
  if (const auto* error = std::get_if<RequestError>(&checked)) return log.done(to_grpc(*error));
  const auto& publish_request = std::get<publish::PublishRequest>(checked);

  auto deadline = context->deadline();
  if (deadline == std::chrono::system_clock::time_point::max()) {
    deadline = std::chrono::system_clock::now() + kDefaultPublishTimeout;
  }
  try {
    return log.done(to_grpc(publisher_.publish(publish_request, deadline)));
  } catch (...) {
    return log.done(unexpected_exception("publish", request->target_path()));
  }
}

grpc::Status NodeService::NodeUnpublishVolume(grpc::ServerContext*,
                                              const pb::NodeUnpublishVolumeRequest* request,
                                              pb::NodeUnpublishVolumeResponse*) {
  CallLog log(logger_, "NodeUnpublishVolume", request->volume_id(), request->target_path());
  auto checked = check_node_unpublish(*request, policy_);
  if (const auto* error = std::get_if<RequestError>(&checked)) return log.done(to_grpc(*error));
  const auto& target = std::get<UnpublishTarget>(checked);
  try {
    return log.done(to_grpc(publisher_.unpublish(target.volume_id, target.target_path)));
  } catch (...) {
    return log.done(unexpected_exception("unpublish", target.target_path));
  }
}

grpc::Status NodeService::NodeGetVolumeStats(grpc::ServerContext*,
                                             const pb::NodeGetVolumeStatsRequest* request,
                                             pb::NodeGetVolumeStatsResponse*) {
  CallLog log(logger_, "NodeGetVolumeStats", request->volume_id(), request->volume_path());
  return log.done({grpc::StatusCode::UNIMPLEMENTED,
                   "NodeGetVolumeStats is not offered (GET_VOLUME_STATS is not advertised)"});
}

grpc::Status NodeService::NodeGetCapabilities(grpc::ServerContext*,
                                              const pb::NodeGetCapabilitiesRequest*,
                                              pb::NodeGetCapabilitiesResponse* response) {
  CallLog log(logger_, "NodeGetCapabilities");
  response->add_capabilities()->mutable_rpc()->set_type(
      pb::NodeServiceCapability::RPC::STAGE_UNSTAGE_VOLUME);
  return log.done(grpc::Status::OK);
}

grpc::Status NodeService::NodeGetInfo(grpc::ServerContext*, const pb::NodeGetInfoRequest*,
                                      pb::NodeGetInfoResponse* response) {
  CallLog log(logger_, "NodeGetInfo");
  response->set_node_id(node_id_);
  return log.done(grpc::Status::OK);
}

}  // namespace sscsi::csi
