#pragma once
// The CSI gRPC server on a unix socket: Identity, Controller (capabilities only) and Node.
// The app starts it once the Publisher exists and shuts it down on SIGTERM.

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <spdlog/logger.h>

#include "publish/publisher.h"

namespace grpc {
class Server;
class Service;
}

namespace sscsi::csi {

class IdentityService;
class ControllerService;
class NodeService;

struct CsiServerOptions {
  std::string endpoint;     // unix:///ABSOLUTE/PATH (--endpoint)
  std::string driver_name;  // --drivername; GetPluginInfo answers UNAVAILABLE when empty
  std::string version;      // the build version; likewise required by GetPluginInfo
  std::string node_id;      // --nodeid
  // Accept any absolute, clean target path, not only kubelet pod-volume paths
  // (--allow-any-target: standalone use, csi-sanity).
  bool allow_any_target = false;
  // Probe's answer; empty means always ready. Called concurrently on gRPC threads.
  std::function<bool()> ready;
  // Largest request accepted and response sent, in bytes (volume_context carries tokens, so
  // requests exceed the usual few hundred bytes; 4 MiB is gRPC's default).
  int max_message_size = 4 * 1024 * 1024;
  // Calls handled at the same time. The sync server runs each call on its own thread, and a
  // publish holds its thread while the provider works, so a mount storm of hundreds of pods
  // needs hundreds of threads; calls beyond this are answered RESOURCE_EXHAUSTED (the kubelet
  // retries) instead of queueing without bound.
  int max_concurrent_calls = 512;
  // More services served on the same socket (sscsi.admin.v1.Admin for sscsi-ctl refresh); each
  // must outlive the server. The CSI services are unaffected by them.
  std::vector<grpc::Service*> extra_services;
  // Where the per-call lines go; null means spdlog's default logger.
  std::shared_ptr<spdlog::logger> logger;
};

class CsiServer {
 public:
  // Parses the endpoint, prepares the socket path (creates the parent directory 0750, removes a
  // stale socket, refuses anything else), listens, and restricts the socket to mode 0660.
  // Throws std::invalid_argument for a bad endpoint or option, std::runtime_error when the
  // socket cannot be set up. `publisher` must outlive the server.
  static std::unique_ptr<CsiServer> start(const CsiServerOptions& options,
                                          publish::Publisher& publisher);

  // Stops accepting calls and removes the socket file (gRPC unlinks the path as it closes the
  // listener), gives running calls until `grace` to finish, cancels the rest, and waits for the
  // handlers to return (a publish in progress returns by its own deadline). Idempotent; call it
  // from any thread but a handler's.
  void shutdown(std::chrono::milliseconds grace = std::chrono::seconds(5));

  ~CsiServer();  // shutdown() with the default grace
  CsiServer(const CsiServer&) = delete;
  CsiServer& operator=(const CsiServer&) = delete;

  const std::filesystem::path& socket_path() const { return socket_path_; }

 private:
  CsiServer() = default;

  std::filesystem::path socket_path_;
  std::shared_ptr<spdlog::logger> logger_;
  std::unique_ptr<IdentityService> identity_;
  std::unique_ptr<ControllerService> controller_;
  std::unique_ptr<NodeService> node_;
  std::unique_ptr<grpc::Server> server_;
  std::mutex shutdown_mutex_;
  bool stopped_ = false;
};

}  // namespace sscsi::csi
