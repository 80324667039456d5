#include "metrics/http_server.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <exception>
#include <stdexcept>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "metrics/http_request.h"

namespace sscsi::metrics {
namespace {

using Clock = std::chrono::steady_clock;

std::string errno_text(int error) { return std::strerror(error); }

std::string format_host_port(std::string_view host, std::uint16_t port) {
  if (host.find(':') != std::string_view::npos) return fmt::format("[{}]:{}", host, port);
  return fmt::format("{}:{}", host, port);
}

// Binds and listens on one resolved address; -1 with `error` set when that fails.
int listen_on(const sockaddr* address, socklen_t length, bool dual_stack, int& error) {
  const int fd = ::socket(address->sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    error = errno;
    return -1;
  }
  const int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (address->sa_family == AF_INET6) {
    const int v6only = dual_stack ? 0 : 1;
    ::setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &v6only, sizeof v6only);
  }
  if (::bind(fd, address, length) != 0 || ::listen(fd, 64) != 0) {
    error = errno;
    ::close(fd);
    return -1;
  }
  return fd;
}

// All interfaces: IPv6 dual-stack when the node has IPv6, else IPv4 (as Go's ":8095").
int listen_on_all_interfaces(std::uint16_t port, std::string& problem) {
  sockaddr_in6 any6{};
  any6.sin6_family = AF_INET6;
  any6.sin6_addr = in6addr_any;
  any6.sin6_port = htons(port);
  int error = 0;
  int fd = listen_on(reinterpret_cast<const sockaddr*>(&any6), sizeof any6, true, error);
  if (fd >= 0) return fd;
  if (error != EAFNOSUPPORT && error != EADDRNOTAVAIL) {
    problem = errno_text(error);
    return -1;
  }
  sockaddr_in any4{};
  any4.sin_family = AF_INET;
  any4.sin_addr.s_addr = htonl(INADDR_ANY);
  any4.sin_port = htons(port);
  fd = listen_on(reinterpret_cast<const sockaddr*>(&any4), sizeof any4, false, error);
  if (fd < 0) problem = errno_text(error);
  return fd;
}

int listen_on_host(const std::string& host, std::uint16_t port, std::string& problem) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  const std::string service = std::to_string(port);
  const int status = ::getaddrinfo(host.c_str(), service.c_str(), &hints, &found);
  if (status != 0) {
    problem = fmt::format("cannot resolve \"{}\": {}", host, ::gai_strerror(status));
    return -1;
  }
  int fd = -1;
  int error = 0;
  for (const addrinfo* entry = found; entry != nullptr && fd < 0; entry = entry->ai_next) {
    fd = listen_on(entry->ai_addr, entry->ai_addrlen, false, error);
  }
  ::freeaddrinfo(found);
  if (fd < 0) problem = errno_text(error);
  return fd;
}

// The bound address, as the kernel reports it (this is where port 0 becomes a real port).
std::string bound_address(int fd, std::uint16_t& port) {
  sockaddr_storage storage{};
  socklen_t length = sizeof storage;
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&storage), &length) != 0) {
    throw std::runtime_error(fmt::format("getsockname failed: {}", errno_text(errno)));
  }
  char text[INET6_ADDRSTRLEN] = {};
  if (storage.ss_family == AF_INET6) {
    const auto* address = reinterpret_cast<const sockaddr_in6*>(&storage);
    ::inet_ntop(AF_INET6, &address->sin6_addr, text, sizeof text);
    port = ntohs(address->sin6_port);
  } else {
    const auto* address = reinterpret_cast<const sockaddr_in*>(&storage);
    ::inet_ntop(AF_INET, &address->sin_addr, text, sizeof text);
    port = ntohs(address->sin_port);
  }
  return format_host_port(text, port);
}

HttpResponse plain(int status, std::string body) {
  HttpResponse response;
  response.status = status;
  response.body = std::move(body);
  if (!response.body.empty() && !response.body.ends_with('\n')) response.body += '\n';
  return response;
}

struct Connection {
  enum class Phase { Reading, Writing, Draining };
  int fd = -1;
  Phase phase = Phase::Reading;
  std::string received;
  std::string to_send;
  std::size_t sent = 0;
  Clock::time_point deadline;
};

// What to answer to a complete request head.
HttpResponse answer(const HttpServerOptions& options, std::string_view head, bool& head_only) {
  auto parsed = parse_request_head(head);
  if (auto* error = std::get_if<HttpRequestError>(&parsed)) {
    return plain(error->status, error->reason);
  }
  const HttpRequest& request = std::get<HttpRequest>(parsed);
  const auto route = options.routes.find(request.path);
  if (route == options.routes.end()) {
    // A plain loop, not std::views::keys: clang 14's ranges cannot take the keys of a std::map.
    std::vector<std::string_view> paths;
    paths.reserve(options.routes.size());
    for (const auto& entry : options.routes) paths.emplace_back(entry.first);
    return plain(404, fmt::format("no such path; this server answers {}", fmt::join(paths, ", ")));
  }
  if (request.method != "GET" && request.method != "HEAD") {
    HttpResponse response = plain(405, "only GET and HEAD are allowed");
    response.extra_headers.emplace_back("Allow", "GET, HEAD");
    return response;
  }
  head_only = request.method == "HEAD";
  try {
    return route->second();
  } catch (const std::exception& error) {
    return plain(500, fmt::format("internal error: {}", error.what()));
  }
}

void start_answer(const HttpServerOptions& options, Connection& connection) {
  bool head_only = false;
  HttpResponse response;
  const auto head_length = request_head_length(connection.received);
  if (!head_length || *head_length > options.max_head_bytes) {
    response = plain(431, fmt::format("the request head exceeds {} bytes", options.max_head_bytes));
  } else {
    response =
        answer(options, std::string_view(connection.received).substr(0, *head_length), head_only);
  }
  connection.to_send = serialize_response(response, head_only);
  connection.received.clear();
  connection.phase = Connection::Phase::Writing;
}

// Reads what is there; false when the connection is finished with (EOF or error).
bool on_readable(const HttpServerOptions& options, Connection& connection) {
  char buffer[4096];
  for (;;) {
    const ssize_t got = ::recv(connection.fd, buffer, sizeof buffer, 0);
    if (got == 0) return false;
    if (got < 0) return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
    // After the answer, the rest of what the client sends is read only to be thrown away, so
    // that closing does not reset the connection before the client has read the answer.
    if (connection.phase == Connection::Phase::Draining) continue;
    connection.received.append(buffer, static_cast<std::size_t>(got));
    const auto head_length = request_head_length(connection.received);
    if (head_length || connection.received.size() > options.max_head_bytes) {
      start_answer(options, connection);
      return true;
    }
  }
}

// Sends what it can; false when the connection is finished with.
bool on_writable(Connection& connection) {
  while (connection.sent < connection.to_send.size()) {
    const ssize_t put = ::send(connection.fd, connection.to_send.data() + connection.sent,
                               connection.to_send.size() - connection.sent, MSG_NOSIGNAL);
    if (put < 0) return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
    connection.sent += static_cast<std::size_t>(put);
  }
  ::shutdown(connection.fd, SHUT_WR);
  connection.phase = Connection::Phase::Draining;
  return true;
}

}  // namespace

std::unique_ptr<HttpServer> HttpServer::start(HttpServerOptions options) {
  std::unique_ptr<HttpServer> server(new HttpServer(std::move(options)));
  const std::string wanted = format_host_port(server->options_.host, server->options_.port);
  std::string problem;
  server->listen_fd_ = server->options_.host.empty()
                           ? listen_on_all_interfaces(server->options_.port, problem)
                           : listen_on_host(server->options_.host, server->options_.port, problem);
  if (server->listen_fd_ < 0) {
    throw std::runtime_error(fmt::format("cannot listen on {}: {}", wanted, problem));
  }
  server->address_ = bound_address(server->listen_fd_, server->port_);
  server->wake_fd_ = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (server->wake_fd_ < 0) {
    throw std::runtime_error(fmt::format("eventfd failed: {}", errno_text(errno)));
  }
  server->thread_ = std::thread([raw = server.get()] { raw->run(); });
  return server;
}

void HttpServer::stop() {
  if (thread_.joinable()) {
    const std::uint64_t one = 1;
    // An eventfd write of 1 cannot fail short of a counter overflow.
    [[maybe_unused]] const ssize_t written = ::write(wake_fd_, &one, sizeof one);
    thread_.join();
  }
  if (listen_fd_ >= 0) ::close(listen_fd_);
  if (wake_fd_ >= 0) ::close(wake_fd_);
  listen_fd_ = -1;
  wake_fd_ = -1;
}

HttpServer::~HttpServer() { stop(); }

void HttpServer::run() {
  std::vector<Connection> connections;
  std::vector<pollfd> polled;
  // Out of file descriptors, the listener stays readable and accept keeps failing: pause
  // accepting for a moment instead of spinning.
  Clock::time_point accept_paused_until{};
  for (;;) {
    const auto now = Clock::now();
    polled.clear();
    polled.push_back({wake_fd_, POLLIN, 0});
    const bool accepting =
        connections.size() < options_.max_connections && now >= accept_paused_until;
    polled.push_back({accepting ? listen_fd_ : -1, POLLIN, 0});
    auto wait = std::chrono::milliseconds(-1);
    if (now < accept_paused_until) {
      wait = std::chrono::ceil<std::chrono::milliseconds>(accept_paused_until - now);
    }
    for (const Connection& connection : connections) {
      const short events = connection.phase == Connection::Phase::Writing ? POLLOUT : short{POLLIN};
      polled.push_back({connection.fd, events, 0});
      const auto left = std::chrono::ceil<std::chrono::milliseconds>(connection.deadline - now);
      const auto clamped = std::max(left, std::chrono::milliseconds(0));
      wait = wait.count() < 0 ? clamped : std::min(wait, clamped);
    }
    if (::poll(polled.data(), polled.size(), static_cast<int>(wait.count())) < 0) {
      if (errno == EINTR) continue;
      break;  // only EFAULT/EINVAL/ENOMEM: nothing sensible to do but stop serving
    }
    if (polled[0].revents != 0) break;

    const auto after = Clock::now();
    std::vector<bool> finished(connections.size(), false);
    for (std::size_t i = 0; i < connections.size(); ++i) {
      Connection& connection = connections[i];
      const short revents = polled[i + 2].revents;
      if (revents != 0) {
        const bool keep = connection.phase == Connection::Phase::Writing
                              ? on_writable(connection)
                              : on_readable(options_, connection);
        // Try to answer at once rather than waiting for the next POLLOUT.
        finished[i] =
            !keep || (connection.phase == Connection::Phase::Writing && !on_writable(connection));
      }
      if (after >= connection.deadline) finished[i] = true;
    }
    for (std::size_t i = connections.size(); i-- > 0;) {
      if (!finished[i]) continue;
      ::close(connections[i].fd);
      connections.erase(connections.begin() + static_cast<std::ptrdiff_t>(i));
    }

    if (polled[1].revents != 0) {
      while (connections.size() < options_.max_connections) {
        const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
          if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
            accept_paused_until = Clock::now() + std::chrono::milliseconds(100);
          }
          break;  // EAGAIN, a client that gave up before being accepted, or the pause above
        }
        Connection connection;
        connection.fd = fd;
        connection.deadline = Clock::now() + options_.client_timeout;
        connections.push_back(std::move(connection));
      }
    }
  }
  for (const Connection& connection : connections) ::close(connection.fd);
}

}  // namespace sscsi::metrics
