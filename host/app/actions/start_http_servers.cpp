#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <exception>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "app/actions/actions.h"
#include "metrics/endpoints.h"

namespace sscsi::app::actions {
namespace {

// Whether something listens on the CSI socket: a non-blocking connect succeeds at once on a
// listening unix socket (the kubelet's view of "the driver answers"), without a gRPC call.
std::string csi_socket_problem(const State& state) {
  if (state.csi_server == nullptr) return "the CSI server is not running";
  const std::string path = state.csi_server->socket_path().string();
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return fmt::format("cannot check the CSI socket {}: {}", path, std::strerror(errno));
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  // The option parser already limits the socket path to what sun_path holds.
  path.copy(address.sun_path, sizeof address.sun_path - 1);
  const int result = ::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address);
  const int error = errno;
  ::close(fd);
  if (result == 0) return {};
  return fmt::format("the CSI socket {} does not accept connections: {}", path,
                     std::strerror(error));
}

metrics::HttpServerOptions server_options(const ListenAddress& address) {
  metrics::HttpServerOptions options;
  options.host = address.host;
  options.port = address.port;
  return options;
}

}  // namespace

std::vector<std::string> plugin_health_problems(const State& state) {
  std::vector<std::string> problems;
  for (const std::string& name : state.options.required_plugins) {
    const plugins::Provider* provider =
        state.plugins == nullptr ? nullptr : state.plugins->find(name);
    if (provider == nullptr) {
      problems.push_back(fmt::format("required plugin \"{}\" is not loaded", name));
      continue;
    }
    const std::string reason = provider->health();
    if (!reason.empty()) {
      problems.push_back(fmt::format("required plugin \"{}\" is unhealthy: {}", name, reason));
    }
  }
  return problems;
}

std::vector<std::string> health_problems(const State& state) {
  std::vector<std::string> problems;
  if (std::string csi = csi_socket_problem(state); !csi.empty()) problems.push_back(csi);
  for (std::string& problem : plugin_health_problems(state)) problems.push_back(problem);
  return problems;
}

ActionResult start_http_servers(State& state) {
  const Options& options = state.options;
  auto metrics_route = [&state] { return metrics::metrics_response(state.metrics); };
  auto health_route = [&state] { return metrics::health_response(health_problems(state)); };

  metrics::HttpServerOptions metrics_options = server_options(options.metrics_address);
  metrics_options.routes["/metrics"] = metrics_route;
  const bool shared = options.metrics_address == options.health_address;
  if (shared) metrics_options.routes["/healthz"] = health_route;
  try {
    state.metrics_server = metrics::HttpServer::start(std::move(metrics_options));
  } catch (const std::exception& error) {
    return ActionResult::stop(
        1, fmt::format("cannot serve /metrics: {} (see --metrics-addr)", error.what()));
  }
  spdlog::info("serving /metrics on {}", state.metrics_server->address());
  if (shared) {
    spdlog::info("serving /healthz on {}", state.metrics_server->address());
    return ActionResult::next();
  }

  metrics::HttpServerOptions health_options = server_options(options.health_address);
  health_options.routes["/healthz"] = health_route;
  try {
    state.health_server = metrics::HttpServer::start(std::move(health_options));
  } catch (const std::exception& error) {
    return ActionResult::stop(
        1, fmt::format("cannot serve /healthz: {} (see --health-addr)", error.what()));
  }
  spdlog::info("serving /healthz on {}", state.health_server->address());
  return ActionResult::next();
}

}  // namespace sscsi::app::actions
