#pragma once
// CSI Node: the RPCs the kubelet calls for an inline secrets-store volume. Requests are checked
// (request_checks.h) and NodePublish/NodeUnpublish are handed to the Publisher; this layer holds
// no state, so concurrent calls need no locking here (per-target ordering is the Publisher's).

#include <chrono>
#include <string>

#include <spdlog/logger.h>

#include "csi/proto/csi.grpc.pb.h"
#include "csi/request_checks.h"
#include "publish/publisher.h"

namespace sscsi::csi {

// The publish deadline when the caller sets none. The kubelet always sets one (about 2 minutes
// for NodePublishVolume); a client without one gets the same budget instead of an unbounded
// provider call.
inline constexpr std::chrono::minutes kDefaultPublishTimeout{2};

class NodeService final : public ::csi::v1::Node::Service {
 public:
  NodeService(publish::Publisher& publisher, std::string node_id, TargetPolicy policy,
              spdlog::logger& logger);

  // Checks, then OK: the kubelet never stages inline volumes; present because upstream
  // advertises STAGE_UNSTAGE_VOLUME.
  grpc::Status NodeStageVolume(grpc::ServerContext* context,
                               const ::csi::v1::NodeStageVolumeRequest* request,
                               ::csi::v1::NodeStageVolumeResponse* response) override;
  grpc::Status NodeUnstageVolume(grpc::ServerContext* context,
                                 const ::csi::v1::NodeUnstageVolumeRequest* request,
                                 ::csi::v1::NodeUnstageVolumeResponse* response) override;

  // Checks, then Publisher::publish with the caller's deadline (kDefaultPublishTimeout when it
  // has none); the Publisher's status code maps one to one onto the gRPC code.
  grpc::Status NodePublishVolume(grpc::ServerContext* context,
                                 const ::csi::v1::NodePublishVolumeRequest* request,
                                 ::csi::v1::NodePublishVolumeResponse* response) override;
  grpc::Status NodeUnpublishVolume(grpc::ServerContext* context,
                                   const ::csi::v1::NodeUnpublishVolumeRequest* request,
                                   ::csi::v1::NodeUnpublishVolumeResponse* response) override;

  // UNIMPLEMENTED, as upstream: GET_VOLUME_STATS is not advertised.
  grpc::Status NodeGetVolumeStats(grpc::ServerContext* context,
                                  const ::csi::v1::NodeGetVolumeStatsRequest* request,
                                  ::csi::v1::NodeGetVolumeStatsResponse* response) override;

  // STAGE_UNSTAGE_VOLUME only, as upstream.
  grpc::Status NodeGetCapabilities(grpc::ServerContext* context,
                                   const ::csi::v1::NodeGetCapabilitiesRequest* request,
                                   ::csi::v1::NodeGetCapabilitiesResponse* response) override;

  // node_id = --nodeid; no topology, no volume limit.
  grpc::Status NodeGetInfo(grpc::ServerContext* context,
                           const ::csi::v1::NodeGetInfoRequest* request,
                           ::csi::v1::NodeGetInfoResponse* response) override;

 private:
  publish::Publisher& publisher_;
  std::string node_id_;
  TargetPolicy policy_;
  spdlog::logger& logger_;
};

}  // namespace sscsi::csi
