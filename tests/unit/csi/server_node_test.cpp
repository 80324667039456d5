// Node service over a real socket: every RPC's happy path, the Publisher's outcomes as gRPC
// codes, deadlines, and concurrent publishes.

#include <atomic>
#include <thread>

#include "csi/node_service.h"
#include "csi/volume_context_keys.h"
#include "server_fixture.h"

namespace sscsi::csi {
namespace {

namespace pb = ::csi::v1;
using std::chrono::seconds;
using std::chrono::system_clock;
using testing::context_with_timeout;
using CsiServerNode = testing::CsiServerFixture;

TEST_F(CsiServerNode, NodeGetInfoReturnsTheNodeId) {
  start();
  pb::NodeGetInfoResponse response;
  ASSERT_TRUE(
      node_->NodeGetInfo(context_with_timeout().get(), pb::NodeGetInfoRequest(), &response).ok());
  EXPECT_EQ(response.node_id(), "node-under-test");
  EXPECT_EQ(response.max_volumes_per_node(), 0);
  EXPECT_FALSE(response.has_accessible_topology());
}

TEST_F(CsiServerNode, NodeCapabilitiesAreStageUnstageOnly) {
  start();
  pb::NodeGetCapabilitiesResponse response;
  ASSERT_TRUE(node_
                  ->NodeGetCapabilities(context_with_timeout().get(),
                                        pb::NodeGetCapabilitiesRequest(), &response)
                  .ok());
  ASSERT_EQ(response.capabilities_size(), 1);
  EXPECT_EQ(response.capabilities(0).rpc().type(),
            pb::NodeServiceCapability::RPC::STAGE_UNSTAGE_VOLUME);
}

TEST_F(CsiServerNode, StageAndUnstageValidateThenSucceedWithoutThePublisher) {
  start();
  pb::NodeStageVolumeRequest stage;
  stage.set_volume_id("vol");
  stage.set_staging_target_path("/staging/vol");
  stage.mutable_volume_capability()->mutable_mount();
  pb::NodeStageVolumeResponse stage_response;
  EXPECT_TRUE(node_->NodeStageVolume(context_with_timeout().get(), stage, &stage_response).ok());

  stage.clear_volume_capability();
  const grpc::Status bad_stage =
      node_->NodeStageVolume(context_with_timeout().get(), stage, &stage_response);
  EXPECT_EQ(bad_stage.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(bad_stage.error_message(), "Volume capability missing in request");

  pb::NodeUnstageVolumeRequest unstage;
  unstage.set_volume_id("vol");
  unstage.set_staging_target_path("/staging/vol");
  pb::NodeUnstageVolumeResponse unstage_response;
  EXPECT_TRUE(
      node_->NodeUnstageVolume(context_with_timeout().get(), unstage, &unstage_response).ok());
  unstage.clear_volume_id();
  const grpc::Status bad_unstage =
      node_->NodeUnstageVolume(context_with_timeout().get(), unstage, &unstage_response);
  EXPECT_EQ(bad_unstage.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(bad_unstage.error_message(), "Volume ID missing in request");

  EXPECT_TRUE(publisher_.published().empty());
  EXPECT_TRUE(publisher_.unpublished().empty());
}

TEST_F(CsiServerNode, VolumeStatsAreUnimplemented) {
  start();
  pb::NodeGetVolumeStatsRequest request;
  request.set_volume_id("vol");
  request.set_volume_path(target());
  pb::NodeGetVolumeStatsResponse response;
  const grpc::Status status =
      node_->NodeGetVolumeStats(context_with_timeout().get(), request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNIMPLEMENTED);
}

TEST_F(CsiServerNode, PublishHandsTheCheckedRequestToThePublisher) {
  start();
  pb::NodePublishVolumeRequest request = publish_request();
  (*request.mutable_secrets())["clientsecret"] = "value-1";
  request.mutable_volume_capability()->mutable_mount()->add_mount_flags("noexec");
  const grpc::Status status = publish(request);
  ASSERT_TRUE(status.ok()) << status.error_message();

  const auto published = publisher_.published();
  ASSERT_EQ(published.size(), 1u);
  EXPECT_EQ(published[0].volume_id, request.volume_id());
  EXPECT_EQ(published[0].target_path, target());
  EXPECT_TRUE(published[0].readonly);
  EXPECT_EQ(published[0].volume_context.at(std::string(keys::kPodUid)), "pod-uid-1");
  EXPECT_EQ(published[0].secrets.at("clientsecret"), "value-1");
  EXPECT_EQ(published[0].mount_flags, std::vector<std::string>{"noexec"});
}

TEST_F(CsiServerNode, InvalidPublishNeverReachesThePublisher) {
  start();
  pb::NodePublishVolumeRequest request = publish_request();
  request.set_readonly(false);
  const grpc::Status status = publish(request);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message(), "Readonly is not true in request");
  EXPECT_TRUE(publisher_.published().empty());
}

TEST_F(CsiServerNode, TargetOutsideKubeletIsRefusedUnlessAllowAnyTarget) {
  start();
  pb::NodePublishVolumeRequest request = publish_request();
  request.set_target_path((dir_.path() / "standalone").string());
  EXPECT_EQ(publish(request).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(publisher_.published().empty());

  server_->shutdown();
  start([](CsiServerOptions& options) { options.allow_any_target = true; });
  const grpc::Status status = publish(request);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(publisher_.published().size(), 1u);
  EXPECT_EQ(publisher_.published()[0].target_path, request.target_path());
}

TEST_F(CsiServerNode, UnpublishHandsVolumeAndTargetToThePublisher) {
  start();
  pb::NodeUnpublishVolumeRequest request;
  request.set_volume_id("csi-1");
  request.set_target_path(target());
  pb::NodeUnpublishVolumeResponse response;
  const grpc::Status status =
      node_->NodeUnpublishVolume(context_with_timeout().get(), request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(publisher_.unpublished().size(), 1u);
  EXPECT_EQ(publisher_.unpublished()[0], std::make_pair(std::string("csi-1"), target()));

  request.clear_target_path();
  const grpc::Status missing =
      node_->NodeUnpublishVolume(context_with_timeout().get(), request, &response);
  EXPECT_EQ(missing.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(missing.error_message(), "Target path missing in request");
  EXPECT_EQ(publisher_.unpublished().size(), 1u);
}

TEST_F(CsiServerNode, PublisherOutcomesMapOneToOneOntoGrpcCodes) {
  using C = publish::Status::Code;
  const std::vector<std::pair<C, grpc::StatusCode>> table = {
      {C::InvalidArgument, grpc::StatusCode::INVALID_ARGUMENT},
      {C::NotFound, grpc::StatusCode::NOT_FOUND},
      {C::FailedPrecondition, grpc::StatusCode::FAILED_PRECONDITION},
      {C::PermissionDenied, grpc::StatusCode::PERMISSION_DENIED},
      {C::ResourceExhausted, grpc::StatusCode::RESOURCE_EXHAUSTED},
      {C::Unavailable, grpc::StatusCode::UNAVAILABLE},
      {C::DeadlineExceeded, grpc::StatusCode::DEADLINE_EXCEEDED},
      {C::Aborted, grpc::StatusCode::ABORTED},
      {C::Internal, grpc::StatusCode::INTERNAL},
  };
  start();
  int index = 0;
  for (const auto& [code, grpc_code] : table) {
    const std::string message = "outcome number " + std::to_string(index++);
    publisher_.answer({code, message});
    const grpc::Status published = publish(publish_request());
    EXPECT_EQ(published.error_code(), grpc_code) << message;
    EXPECT_EQ(published.error_message(), message);

    pb::NodeUnpublishVolumeRequest request;
    request.set_volume_id("csi-1");
    request.set_target_path(target());
    pb::NodeUnpublishVolumeResponse response;
    const grpc::Status unpublished =
        node_->NodeUnpublishVolume(context_with_timeout().get(), request, &response);
    EXPECT_EQ(unpublished.error_code(), grpc_code) << message;
    EXPECT_EQ(unpublished.error_message(), message);
  }
  publisher_.answer({C::Ok, ""});
  EXPECT_TRUE(publish(publish_request()).ok());
}

TEST_F(CsiServerNode, PublisherExceptionBecomesInternalWithoutItsText) {
  start();
  publisher_.throw_on_publish("parse error near 'token-CANARY'");
  const grpc::Status status = publish(publish_request());
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INTERNAL);
  EXPECT_EQ(status.error_message(),
            "publish of target \"" + target() + "\" failed with an unexpected internal error");
  EXPECT_EQ(log_.text().find("CANARY"), std::string::npos);
}

TEST_F(CsiServerNode, TheCallersDeadlineReachesThePublisher) {
  start();
  const auto deadline = system_clock::now() + seconds(37);
  grpc::ClientContext context;
  context.set_deadline(deadline);
  pb::NodePublishVolumeResponse response;
  ASSERT_TRUE(node_->NodePublishVolume(&context, publish_request(), &response).ok());
  ASSERT_EQ(publisher_.deadlines().size(), 1u);
  const auto difference = publisher_.deadlines()[0] - deadline;
  EXPECT_LT(std::chrono::abs(difference), std::chrono::milliseconds(500));
}

TEST_F(CsiServerNode, WithoutADeadlineThePublisherGetsTwoMinutes) {
  start();
  grpc::ClientContext context;  // no deadline
  const auto before = system_clock::now();
  pb::NodePublishVolumeResponse response;
  ASSERT_TRUE(node_->NodePublishVolume(&context, publish_request(), &response).ok());
  const auto after = system_clock::now();
  ASSERT_EQ(publisher_.deadlines().size(), 1u);
  EXPECT_GE(publisher_.deadlines()[0], before + kDefaultPublishTimeout);
  EXPECT_LE(publisher_.deadlines()[0], after + kDefaultPublishTimeout);
}

TEST_F(CsiServerNode, FiveHundredPublishesRunAtTheSameTime) {
  constexpr int kCalls = 500;
  start();
  // Every publish waits until all have arrived: with fewer handler threads than calls this
  // would stall until the fake's 60 s limit and the peak below would stay short of kCalls.
  publisher_.hold_until(kCalls);
  std::atomic<int> ok{0};
  std::vector<std::thread> callers;
  callers.reserve(kCalls);
  for (int i = 0; i < kCalls; ++i) {
    callers.emplace_back([&, i] {
      const std::string uid = "pod-" + std::to_string(i);
      pb::NodePublishVolumeResponse response;
      if (node_
              ->NodePublishVolume(context_with_timeout(std::chrono::seconds(90)).get(),
                                  publish_request(uid), &response)
              .ok()) {
        ++ok;
      }
    });
  }
  for (auto& caller : callers) caller.join();
  EXPECT_EQ(ok.load(), kCalls);
  EXPECT_EQ(publisher_.published().size(), static_cast<std::size_t>(kCalls));
  EXPECT_EQ(publisher_.peak_concurrency(), kCalls);
}

TEST_F(CsiServerNode, CallsBeyondTheLimitAreRefusedInsteadOfQueued) {
  constexpr int kLimit = 4;
  constexpr int kCalls = 60;
  start([](CsiServerOptions& options) { options.max_concurrent_calls = kLimit; });
  publisher_.hold_until(kCalls + 1);  // never reached: held until released below
  std::atomic<int> ok{0};
  std::atomic<int> exhausted{0};
  std::atomic<int> answered{0};
  std::vector<std::thread> callers;
  for (int i = 0; i < kCalls; ++i) {
    callers.emplace_back([&, i] {
      pb::NodePublishVolumeResponse response;
      const grpc::Status status =
          node_->NodePublishVolume(context_with_timeout(std::chrono::seconds(60)).get(),
                                   publish_request("pod-" + std::to_string(i)), &response);
      if (status.ok()) ++ok;
      if (status.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED) ++exhausted;
      ++answered;
    });
  }
  // Wait until every call is either held in the Publisher or answered: nothing is queued.
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (answered.load() + publisher_.running() < kCalls &&
         std::chrono::steady_clock::now() < give_up) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(publisher_.running(), kLimit);
  EXPECT_EQ(exhausted.load(), kCalls - kLimit);
  publisher_.release_held();
  for (auto& caller : callers) caller.join();
  EXPECT_EQ(ok.load(), kLimit);
  EXPECT_EQ(answered.load(), kCalls);
  EXPECT_EQ(publisher_.peak_concurrency(), kLimit);
}

}  // namespace
}  // namespace sscsi::csi
