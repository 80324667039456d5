#pragma once
// Shared pieces of the CSI tests: a temporary directory with a short path (unix socket paths
// are limited to 107 bytes), a fake Publisher that records what reaches it, a logger that
// captures every line at trace level, and a server started on a socket in the temp directory.

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <vector>

#include <grpcpp/grpcpp.h>
#include <spdlog/logger.h>

#include "csi/csi_server.h"
#include "csi/proto/csi.grpc.pb.h"
#include "publish/publisher.h"

namespace sscsi::csi::testing {

class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

class FakePublisher : public publish::Publisher {
 public:
  publish::Status publish(const publish::PublishRequest& request,
                          std::chrono::system_clock::time_point deadline) override;
  publish::Status unpublish(const std::string& volume_id, const std::string& target_path) override;

  // What publish and unpublish answer.
  void answer(publish::Status status);
  // publish throws this text instead of answering.
  void throw_on_publish(std::string what);
  // Each publish waits until `count` publishes have arrived (or 60 s pass), so that a test can
  // prove that many calls run at the same time.
  void hold_until(int count);
  // Lets every held publish go on at once.
  void release_held();
  // Runs inside publish before it answers (e.g. to write files into the target).
  void on_publish(std::function<void(const publish::PublishRequest&)> action);

  std::vector<publish::PublishRequest> published() const;
  std::vector<std::chrono::system_clock::time_point> deadlines() const;
  std::vector<std::pair<std::string, std::string>> unpublished() const;
  int peak_concurrency() const;
  int running() const;  // publishes in progress now

 private:
  mutable std::mutex mutex_;
  std::condition_variable arrived_;
  publish::Status answer_;
  std::string throw_what_;
  int hold_count_ = 0;
  int arrivals_ = 0;
  int running_ = 0;
  int peak_ = 0;
  std::function<void(const publish::PublishRequest&)> action_;
  std::vector<publish::PublishRequest> published_;
  std::vector<std::chrono::system_clock::time_point> deadlines_;
  std::vector<std::pair<std::string, std::string>> unpublished_;
};

// A logger at trace level writing into a string.
struct CapturedLog {
  CapturedLog();
  std::string text() const;
  std::shared_ptr<spdlog::logger> logger;

 private:
  std::shared_ptr<std::ostringstream> stream_;
};

// Options for a server on <dir>/<socket_name>, with a captured log.
CsiServerOptions server_options(const TempDir& dir, const CapturedLog& log,
                                const std::string& socket_name = "csi.sock");

std::shared_ptr<grpc::Channel> connect(const std::filesystem::path& socket);

// A context whose deadline is `timeout` from now.
std::unique_ptr<grpc::ClientContext> context_with_timeout(
    std::chrono::milliseconds timeout = std::chrono::seconds(20));

// A NodePublishVolume request that passes every check: a kubelet path under `kubelet_root`
// for pod `uid`, a mount capability, readonly, and the podInfoOnMount keys.
::csi::v1::NodePublishVolumeRequest valid_publish_request(
    const std::string& kubelet_root = "/var/lib/kubelet", const std::string& uid = "pod-uid-1",
    const std::string& volume_name = "secrets");

std::string kubelet_target(const std::string& kubelet_root, const std::string& uid,
                           const std::string& volume_name = "secrets");

}  // namespace sscsi::csi::testing
