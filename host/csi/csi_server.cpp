#include "csi/csi_server.h"

#include <sys/stat.h>

#include <stdexcept>

#include <fmt/format.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/resource_quota.h>
#include <spdlog/spdlog.h>

#include "csi/controller_service.h"
#include "csi/endpoint.h"
#include "csi/identity_service.h"
#include "csi/node_service.h"
#include "csi/socket_file.h"

namespace sscsi::csi {

namespace {

// The sync server runs each call on a thread from its quota and keeps one more thread polling
// for new calls; with every handler busy, that poller answers a new call RESOURCE_EXHAUSTED.
constexpr int kPollerThreads = 1;

void check_options(const CsiServerOptions& options) {
  if (options.max_message_size <= 0) {
    throw std::invalid_argument(fmt::format("CSI server: max message size must be positive, not {}",
                                            options.max_message_size));
  }
  if (options.max_concurrent_calls <= 0) {
    throw std::invalid_argument(fmt::format(
        "CSI server: max concurrent calls must be positive, not {}", options.max_concurrent_calls));
  }
}

// gRPC binds the socket with mode 0777 & ~umask, and restrict_socket_mode() can only narrow it
// afterwards: with a permissive umask anyone could connect in between. The socket is made
// owner-only while gRPC binds it (the umask is process-wide, so files other threads create in
// that moment get owner-only modes too, which is safe), then opened to the group.
class OwnerOnlyUmask {
 public:
  OwnerOnlyUmask() : previous_(::umask(0077)) {}
  ~OwnerOnlyUmask() { ::umask(previous_); }
  OwnerOnlyUmask(const OwnerOnlyUmask&) = delete;
  OwnerOnlyUmask& operator=(const OwnerOnlyUmask&) = delete;

 private:
  mode_t previous_;
};

}  // namespace

std::unique_ptr<CsiServer> CsiServer::start(const CsiServerOptions& options,
                                            publish::Publisher& publisher) {
  check_options(options);
  std::unique_ptr<CsiServer> self(new CsiServer());
  self->socket_path_ = parse_endpoint(options.endpoint);
  self->logger_ = options.logger ? options.logger : spdlog::default_logger();
  spdlog::logger& logger = *self->logger_;

  self->identity_ = std::make_unique<IdentityService>(options.driver_name, options.version,
                                                      options.ready, logger);
  self->controller_ = std::make_unique<ControllerService>(logger);
  self->node_ = std::make_unique<NodeService>(publisher, options.node_id,
                                              TargetPolicy{options.allow_any_target}, logger);

  prepare_socket_path(self->socket_path_);

  grpc::ResourceQuota quota("sscsi-csi");
  quota.SetMaxThreads(options.max_concurrent_calls + kPollerThreads);

  grpc::ServerBuilder builder;
  builder.AddListeningPort("unix:" + self->socket_path_.string(),
                           grpc::InsecureServerCredentials());
  builder.SetResourceQuota(quota);
  // One completion queue: gRPC's default is one per core, each with its own pollers taking
  // threads from the quota, which would make the limit depend on the machine.
  builder.SetSyncServerOption(grpc::ServerBuilder::SyncServerOption::NUM_CQS, 1);
  builder.SetMaxReceiveMessageSize(options.max_message_size);
  builder.SetMaxSendMessageSize(options.max_message_size);
  builder.RegisterService(self->identity_.get());
  builder.RegisterService(self->controller_.get());
  builder.RegisterService(self->node_.get());
  for (grpc::Service* service : options.extra_services) builder.RegisterService(service);
  {
    const OwnerOnlyUmask owner_only;
    self->server_ = builder.BuildAndStart();
  }
  if (!self->server_) {
    throw std::runtime_error(
        fmt::format("CSI socket {}: gRPC could not listen on it (its log line above has the "
                    "reason, e.g. permission denied on the directory)",
                    self->socket_path_.string()));
  }
  // From here on the destructor shuts the server down if anything below throws.
  restrict_socket_mode(self->socket_path_);
  logger.info("CSI server listening on unix://{} (driver {}, node {})", self->socket_path_.string(),
              options.driver_name, options.node_id);
  return self;
}

void CsiServer::shutdown(std::chrono::milliseconds grace) {
  std::lock_guard lock(shutdown_mutex_);
  if (stopped_ || !server_) return;
  stopped_ = true;
  server_->Shutdown(std::chrono::system_clock::now() + grace);
  server_->Wait();
  logger_->info("CSI server on unix://{} stopped", socket_path_.string());
}

CsiServer::~CsiServer() { shutdown(); }

}  // namespace sscsi::csi
