#pragma once
// The sscsi.admin.v1.Admin gRPC service (sscsi-ctl refresh): forced refreshes through
// publish::Refresher. The CSI server registers it on its socket as an extra service.

#include <grpcpp/grpcpp.h>

#include "publish/publisher.h"
#include "rotation/proto/admin.grpc.pb.h"

namespace sscsi::rotation {

class AdminService final : public ::sscsi::admin::v1::Admin::Service {
 public:
  // `refresher` must outlive the service.
  explicit AdminService(publish::Refresher& refresher) : refresher_(refresher) {}

  grpc::Status Refresh(grpc::ServerContext* context,
                       const ::sscsi::admin::v1::RefreshRequest* request,
                       ::sscsi::admin::v1::RefreshResponse* response) override;

 private:
  publish::Refresher& refresher_;
};

}  // namespace sscsi::rotation
