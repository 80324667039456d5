#pragma once
// The benchmark's side of a secrets-store provider's v1alpha1 socket (the upstream Azure
// provider's azure.sock), called the way the upstream driver v1.6 calls it: one channel per
// provider with authority "localhost", Mount requests carrying the attributes, secrets and
// permission JSON strings and no current object versions.

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "csi_client.h"
#include "v1alpha1/service.grpc.pb.h"

namespace sscsi::bench {

template <typename Response>
struct ProviderAnswer {
  CallResult call;
  Response response;
};

struct MountStormResult {
  double wall_millis = 0;           // first send to last answer
  std::vector<double> call_millis;  // each call: its send to its answer, in request order
  std::vector<ProviderAnswer<v1alpha1::MountResponse>> answers;  // in request order
};

// The driver's Mount request: `attributes_json` is the class's parameters plus the pod
// attributes, `secrets_json` the node-publish secret's data ("null" when there is none), the
// permission is always "420" (0644).
v1alpha1::MountRequest mount_request(std::string attributes_json, std::string secrets_json,
                                     std::string target_path);

// Why the driver would fail this Mount, empty when it would succeed: a gRPC error, an
// error.code in the response, or no object versions (the driver rejects those).
std::string mount_failure(const ProviderAnswer<v1alpha1::MountResponse>& answer);

// Calls Version with a fresh channel per attempt until it answers OK, `alive` turns false, or
// `timeout` passes. Returns the last failure's text, empty once the provider serves.
std::string wait_until_serving(const std::filesystem::path& socket,
                               std::chrono::milliseconds timeout,
                               const std::function<bool()>& alive);

class ProviderClient {
 public:
  ProviderClient(const std::filesystem::path& socket, std::chrono::seconds call_timeout);

  ProviderAnswer<v1alpha1::VersionResponse> version();
  ProviderAnswer<v1alpha1::MountResponse> mount(const v1alpha1::MountRequest& request);

  // Sends every request at once from this thread and waits for all answers: the shape of many
  // pods starting on one node, whose publishes the driver forwards concurrently.
  MountStormResult mount_storm(const std::vector<v1alpha1::MountRequest>& requests);

 private:
  std::chrono::system_clock::time_point deadline() const;

  std::chrono::seconds call_timeout_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1alpha1::CSIDriverProvider::Stub> stub_;
};

}  // namespace sscsi::bench
