#pragma once
// A CsiServer on a real unix socket in a fresh temp directory, with a fake Publisher and a
// captured trace-level log; tests reach it through stubs on a real channel.

#include <memory>

#include <gtest/gtest.h>

#include "csi_test_support.h"

namespace sscsi::csi::testing {

class CsiServerFixture : public ::testing::Test {
 public:
  // Starts the server; `adjust` may change the options first.
  void start(const std::function<void(CsiServerOptions&)>& adjust = {}) {
    options_ = server_options(dir_, log_);
    if (adjust) adjust(options_);
    server_ = CsiServer::start(options_, publisher_);
    channel_ = connect(server_->socket_path());
    identity_ = ::csi::v1::Identity::NewStub(channel_);
    controller_ = ::csi::v1::Controller::NewStub(channel_);
    node_ = ::csi::v1::Node::NewStub(channel_);
  }

  // A kubelet-shaped target inside the temp directory.
  std::string target(const std::string& uid = "pod-uid-1") const {
    return kubelet_target((dir_.path() / "kubelet").string(), uid);
  }

  ::csi::v1::NodePublishVolumeRequest publish_request(const std::string& uid = "pod-uid-1") const {
    return valid_publish_request((dir_.path() / "kubelet").string(), uid);
  }

  grpc::Status publish(const ::csi::v1::NodePublishVolumeRequest& request) {
    ::csi::v1::NodePublishVolumeResponse response;
    return node_->NodePublishVolume(context_with_timeout().get(), request, &response);
  }

  TempDir dir_;
  CapturedLog log_;
  FakePublisher publisher_;
  CsiServerOptions options_;
  std::unique_ptr<CsiServer> server_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<::csi::v1::Identity::Stub> identity_;
  std::unique_ptr<::csi::v1::Controller::Stub> controller_;
  std::unique_ptr<::csi::v1::Node::Stub> node_;
};

}  // namespace sscsi::csi::testing
