#pragma once
// The benchmark's side of the CSI socket: kubelet-shaped requests, timed unary calls on one
// channel (the kubelet keeps one connection per driver), and storms of concurrent calls sent
// from one thread through a completion queue.

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "csi/proto/csi.grpc.pb.h"
#include "pod_volume.h"

namespace sscsi::bench {

struct CallResult {
  grpc::Status status;
  double millis = 0;  // from just before the call to its answer, measured here
};

struct StormResult {
  double wall_millis = 0;           // first send to last answer
  std::vector<double> call_millis;  // each call: its send to its answer
  std::size_t failures = 0;
  std::string first_failure;  // "CODE: message" of the first failed call
};

// NodePublishVolume as the kubelet sends it for an inline secrets-store volume with
// podInfoOnMount (no tokenRequests).
csi::v1::NodePublishVolumeRequest publish_request(const PodVolume& volume, const ClassRef& spc);
csi::v1::NodeUnpublishVolumeRequest unpublish_request(const PodVolume& volume);

// "CODE: message".
std::string describe(const grpc::Status& status);

// Probes `socket` with a fresh channel per attempt (a channel that once failed to connect backs
// off for up to seconds) until Probe answers OK, `alive` turns false, or `timeout` passes.
// Returns the last failure's text, empty once ready.
std::string wait_until_ready(const std::filesystem::path& socket, std::chrono::milliseconds timeout,
                             const std::function<bool()>& alive);

class CsiClient {
 public:
  CsiClient(const std::filesystem::path& socket, std::chrono::seconds call_timeout);

  // GetPluginInfo: answered from memory, so its time is the floor every call pays. (Probe is
  // not: it asks the plugins for their health.)
  CallResult plugin_info();
  CallResult publish(const csi::v1::NodePublishVolumeRequest& request);
  CallResult unpublish(const csi::v1::NodeUnpublishVolumeRequest& request);

  // Sends every request at once and waits for all answers.
  StormResult publish_storm(const std::vector<csi::v1::NodePublishVolumeRequest>& requests);
  StormResult unpublish_storm(const std::vector<csi::v1::NodeUnpublishVolumeRequest>& requests);

 private:
  std::chrono::system_clock::time_point deadline() const;

  std::chrono::seconds call_timeout_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<csi::v1::Identity::Stub> identity_;
  std::unique_ptr<csi::v1::Node::Stub> node_;
};

}  // namespace sscsi::bench
