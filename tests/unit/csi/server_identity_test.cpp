// Identity and Controller services over a real socket.

#include <stdexcept>

#include <grpcpp/impl/codegen/client_unary_call.h>

#include "server_fixture.h"

namespace sscsi::csi {
namespace {

namespace pb = ::csi::v1;
using testing::context_with_timeout;
using CsiServerIdentity = testing::CsiServerFixture;

TEST_F(CsiServerIdentity, GetPluginInfoNamesDriverAndVersion) {
  start();
  pb::GetPluginInfoResponse response;
  const grpc::Status status =
      identity_->GetPluginInfo(context_with_timeout().get(), pb::GetPluginInfoRequest(), &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.name(), "secrets-store.csi.k8s.io");
  EXPECT_EQ(response.vendor_version(), "9.8.7-test");
}

TEST_F(CsiServerIdentity, GetPluginInfoIsUnavailableWithoutName) {
  start([](CsiServerOptions& options) { options.driver_name.clear(); });
  pb::GetPluginInfoResponse response;
  const grpc::Status status =
      identity_->GetPluginInfo(context_with_timeout().get(), pb::GetPluginInfoRequest(), &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(status.error_message(), "Driver name not configured");
}

TEST_F(CsiServerIdentity, GetPluginInfoIsUnavailableWithoutVersion) {
  start([](CsiServerOptions& options) { options.version.clear(); });
  pb::GetPluginInfoResponse response;
  const grpc::Status status =
      identity_->GetPluginInfo(context_with_timeout().get(), pb::GetPluginInfoRequest(), &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(status.error_message(), "Driver is missing version");
}

TEST_F(CsiServerIdentity, PluginCapabilitiesAreControllerServiceOnly) {
  start();
  pb::GetPluginCapabilitiesResponse response;
  const grpc::Status status = identity_->GetPluginCapabilities(
      context_with_timeout().get(), pb::GetPluginCapabilitiesRequest(), &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(response.capabilities_size(), 1);
  EXPECT_EQ(response.capabilities(0).service().type(),
            pb::PluginCapability::Service::CONTROLLER_SERVICE);
}

TEST_F(CsiServerIdentity, ProbeIsReadyByDefault) {
  start();
  pb::ProbeResponse response;
  const grpc::Status status =
      identity_->Probe(context_with_timeout().get(), pb::ProbeRequest(), &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_TRUE(response.has_ready());
  EXPECT_TRUE(response.ready().value());
}

TEST_F(CsiServerIdentity, ProbeAsksTheReadinessCallbackEveryTime) {
  std::atomic<bool> ready{false};
  start([&](CsiServerOptions& options) { options.ready = [&] { return ready.load(); }; });
  pb::ProbeResponse response;
  ASSERT_TRUE(identity_->Probe(context_with_timeout().get(), pb::ProbeRequest(), &response).ok());
  EXPECT_FALSE(response.ready().value());
  ready = true;
  ASSERT_TRUE(identity_->Probe(context_with_timeout().get(), pb::ProbeRequest(), &response).ok());
  EXPECT_TRUE(response.ready().value());
}

TEST_F(CsiServerIdentity, ProbeFailsWhenTheReadinessCheckThrows) {
  start([](CsiServerOptions& options) {
    options.ready = []() -> bool { throw std::runtime_error("plugin registry not loaded"); };
  });
  pb::ProbeResponse response;
  const grpc::Status status =
      identity_->Probe(context_with_timeout().get(), pb::ProbeRequest(), &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INTERNAL);
  EXPECT_EQ(status.error_message(), "readiness check failed: plugin registry not loaded");
}

TEST_F(CsiServerIdentity, ControllerCapabilitiesAreOneUnknownRpc) {
  start();
  pb::ControllerGetCapabilitiesResponse response;
  const grpc::Status status = controller_->ControllerGetCapabilities(
      context_with_timeout().get(), pb::ControllerGetCapabilitiesRequest(), &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(response.capabilities_size(), 1);
  ASSERT_TRUE(response.capabilities(0).has_rpc());
  EXPECT_EQ(response.capabilities(0).rpc().type(), pb::ControllerServiceCapability::RPC::UNKNOWN);
}

// Methods outside our proto (the rest of the Controller, NodeExpandVolume) get UNIMPLEMENTED
// from gRPC itself, which is upstream's answer from its stubs.
grpc::Status call_unknown_method(grpc::Channel* channel, const std::string& method) {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
  pb::ProbeResponse response;
  return grpc::internal::BlockingUnaryCall<pb::ProbeRequest, pb::ProbeResponse>(
      channel, grpc::internal::RpcMethod(method.c_str(), grpc::internal::RpcMethod::NORMAL_RPC),
      &context, pb::ProbeRequest(), &response);
}

TEST_F(CsiServerIdentity, MethodsOutsideTheProtoAreUnimplemented) {
  start();
  for (const std::string method :
       {"/csi.v1.Controller/CreateVolume", "/csi.v1.Controller/ControllerPublishVolume",
        "/csi.v1.Controller/ListVolumes", "/csi.v1.Node/NodeExpandVolume"}) {
    EXPECT_EQ(call_unknown_method(channel_.get(), method).error_code(),
              grpc::StatusCode::UNIMPLEMENTED)
        << method;
  }
}

}  // namespace
}  // namespace sscsi::csi
