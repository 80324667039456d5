#pragma once
// A tiny HTTP/1.1 server for /metrics and /healthz: one thread, poll(), non-blocking sockets,
// one request per connection (Connection: close). Answers GET and HEAD on fixed paths only.
// Each client has a bounded request head and a deadline, so a slow or hostile client costs one
// connection slot for at most the timeout and never holds up the others.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <utility>

#include "metrics/http_response.h"

namespace sscsi::metrics {

struct HttpServerOptions {
  std::string host;        // empty = all interfaces (IPv6 and IPv4 when the node has IPv6)
  std::uint16_t port = 0;  // 0 = any free port; HttpServer::port() tells which
  // Path -> what to answer. Handlers run on the server's one thread, so they must be quick;
  // an exception becomes a 500.
  std::map<std::string, std::function<HttpResponse()>> routes;
  std::size_t max_head_bytes = 8 * 1024;  // larger request heads get 431
  // From accept to the last byte sent: a client slower than this is disconnected.
  std::chrono::milliseconds client_timeout = std::chrono::seconds(5);
  std::size_t max_connections = 64;  // further clients wait in the listen backlog
};

class HttpServer {
 public:
  // Binds, listens and starts the thread. Throws std::runtime_error naming the address and the
  // system's reason when the address cannot be resolved or bound.
  static std::unique_ptr<HttpServer> start(HttpServerOptions options);

  // Closes the listener and every connection and joins the thread. Idempotent.
  void stop();
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  std::uint16_t port() const { return port_; }
  // The bound address as HOST:PORT ("127.0.0.1:41234", "[::]:8095"), for the startup log.
  const std::string& address() const { return address_; }

 private:
  explicit HttpServer(HttpServerOptions options) : options_(std::move(options)) {}
  void run();

  HttpServerOptions options_;
  int listen_fd_ = -1;
  int wake_fd_ = -1;  // eventfd: stop() wakes the poll loop through it
  std::uint16_t port_ = 0;
  std::string address_;
  std::thread thread_;
};

}  // namespace sscsi::metrics
