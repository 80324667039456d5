#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "http_client.h"
#include "metrics/http_server.h"

namespace sscsi::metrics {
namespace {

using namespace std::chrono_literals;
using testing::exchange;
using testing::get;
using testing::ParsedResponse;
using testing::RawConnection;

HttpResponse text(int status, std::string body) {
  HttpResponse response;
  response.status = status;
  response.body = std::move(body);
  return response;
}

class MetricsHttpServerTest : public ::testing::Test {
 protected:
  std::unique_ptr<HttpServer> start(HttpServerOptions options = {}) {
    options.host = "127.0.0.1";
    options.routes["/hello"] = [] { return text(200, "hello\n"); };
    options.routes["/busy"] = [] { return text(503, "busy\n"); };
    options.routes["/throws"] = []() -> HttpResponse {
      throw std::runtime_error("broken handler");
    };
    return HttpServer::start(std::move(options));
  }
};

TEST_F(MetricsHttpServerTest, PortZeroPicksAFreePortAndReportsIt) {
  const auto server = start();
  EXPECT_NE(server->port(), 0);
  EXPECT_EQ(server->address(), fmt::format("127.0.0.1:{}", server->port()));
}

TEST_F(MetricsHttpServerTest, GetAnswersWithStatusHeadersAndBody) {
  const auto server = start();
  const ParsedResponse ok = get(server->port(), "/hello");
  EXPECT_EQ(ok.status, 200);
  EXPECT_EQ(ok.body, "hello\n");
  EXPECT_EQ(ok.headers.at("content-length"), "6");
  EXPECT_EQ(ok.headers.at("content-type"), "text/plain; charset=utf-8");
  EXPECT_EQ(ok.headers.at("connection"), "close");
  const ParsedResponse busy = get(server->port(), "/busy?verbose=1");
  EXPECT_EQ(busy.status, 503);
  EXPECT_EQ(busy.body, "busy\n");
}

TEST_F(MetricsHttpServerTest, HeadSendsTheHeadersWithoutTheBody) {
  const auto server = start();
  RawConnection connection(server->port());
  connection.send_all("HEAD /hello HTTP/1.1\r\nHost: x\r\n\r\n");
  const std::string raw = connection.read_to_end();
  EXPECT_TRUE(raw.starts_with("HTTP/1.1 200 OK\r\n")) << raw;
  EXPECT_NE(raw.find("Content-Length: 6\r\n"), std::string::npos) << raw;
  EXPECT_TRUE(raw.ends_with("\r\n\r\n")) << raw;
}

TEST_F(MetricsHttpServerTest, UnknownPathIs404NamingTheKnownOnes) {
  const auto server = start();
  const ParsedResponse response = get(server->port(), "/nope");
  EXPECT_EQ(response.status, 404);
  EXPECT_NE(response.body.find("/hello"), std::string::npos) << response.body;
}

TEST_F(MetricsHttpServerTest, OtherMethodsAre405WithAllow) {
  const auto server = start();
  for (const char* method : {"POST", "PUT", "DELETE", "OPTIONS"}) {
    const ParsedResponse response =
        exchange(server->port(),
                 fmt::format("{} /hello HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello", method));
    EXPECT_EQ(response.status, 405) << method;
    EXPECT_EQ(response.headers.at("allow"), "GET, HEAD") << method;
  }
}

TEST_F(MetricsHttpServerTest, MalformedRequestIs400AndAHandlerExceptionIs500) {
  const auto server = start();
  EXPECT_EQ(exchange(server->port(), "hello there\r\n\r\n").status, 400);
  EXPECT_EQ(exchange(server->port(), "GET /hello HTTP/3\r\n\r\n").status, 505);
  const ParsedResponse broken = get(server->port(), "/throws");
  EXPECT_EQ(broken.status, 500);
  EXPECT_NE(broken.body.find("broken handler"), std::string::npos);
  // The server still works afterwards.
  EXPECT_EQ(get(server->port(), "/hello").status, 200);
}

TEST_F(MetricsHttpServerTest, OversizedRequestHeadIs431) {
  HttpServerOptions options;
  options.max_head_bytes = 1024;
  const auto server = start(options);
  const std::string big = "GET /hello HTTP/1.1\r\nX-Filler: " + std::string(2000, 'a');
  const ParsedResponse response = exchange(server->port(), big);  // never ends its head
  EXPECT_EQ(response.status, 431);
  EXPECT_NE(response.body.find("1024 bytes"), std::string::npos);
  // A complete head that is too long is refused the same way.
  EXPECT_EQ(exchange(server->port(), big + "\r\n\r\n").status, 431);
  // Exactly at the limit is fine.
  const std::string prefix = "GET /hello HTTP/1.1\r\nX-Filler: ";
  const std::string fitting = prefix + std::string(1024 - prefix.size() - 4, 'b') + "\r\n\r\n";
  ASSERT_EQ(fitting.size(), 1024u);
  EXPECT_EQ(exchange(server->port(), fitting).status, 200);
}

TEST_F(MetricsHttpServerTest, RequestSentInPiecesIsAnswered) {
  const auto server = start();
  RawConnection connection(server->port());
  for (const char* piece : {"GE", "T /hel", "lo HTTP/1.1\r", "\nHost: x\r\n", "\r\n"}) {
    connection.send_all(piece);
    std::this_thread::sleep_for(20ms);
  }
  EXPECT_EQ(testing::parse_response(connection.read_to_end()).status, 200);
}

TEST_F(MetricsHttpServerTest, SlowClientIsDisconnectedWithoutBlockingOthers) {
  HttpServerOptions options;
  options.client_timeout = 1500ms;
  const auto server = start(options);
  RawConnection slow(server->port());
  slow.send_all("GET /hello HTTP/1.1\r\n");  // and never the rest
  const auto before = std::chrono::steady_clock::now();
  EXPECT_EQ(get(server->port(), "/hello").status, 200);
  EXPECT_LT(std::chrono::steady_clock::now() - before, 1000ms);
  const std::string rest = slow.read_to_end(10s);
  const auto waited = std::chrono::steady_clock::now() - before;
  EXPECT_FALSE(slow.timed_out()) << "the server kept the slow client open";
  EXPECT_EQ(rest, "");  // closed without an answer
  EXPECT_GE(waited, 1000ms);
  EXPECT_LT(waited, 5s);
}

TEST_F(MetricsHttpServerTest, ConnectionsBeyondTheLimitWaitTheirTurn) {
  HttpServerOptions options;
  options.max_connections = 1;
  options.client_timeout = 800ms;
  const auto server = start(options);
  RawConnection slow(server->port());
  slow.send_all("GET /hel");
  std::this_thread::sleep_for(100ms);  // let the server accept it and fill its one slot
  const auto before = std::chrono::steady_clock::now();
  EXPECT_EQ(get(server->port(), "/hello").status, 200);
  EXPECT_GE(std::chrono::steady_clock::now() - before, 500ms);
}

TEST_F(MetricsHttpServerTest, ConcurrentClientsAllGetAnswers) {
  const auto server = start();
  std::atomic<int> ok{0};
  std::vector<std::thread> clients;
  constexpr int kClients = 16;
  constexpr int kRequests = 25;
  for (int c = 0; c < kClients; ++c) {
    clients.emplace_back([&] {
      for (int r = 0; r < kRequests; ++r) {
        const ParsedResponse response = get(server->port(), "/hello");
        if (response.status == 200 && response.body == "hello\n") ++ok;
      }
    });
  }
  for (std::thread& client : clients) client.join();
  EXPECT_EQ(ok.load(), kClients * kRequests);
}

TEST_F(MetricsHttpServerTest, ABusyPortIsRefusedNamingTheAddress) {
  const auto server = start();
  HttpServerOptions second;
  second.host = "127.0.0.1";
  second.port = server->port();
  try {
    HttpServer::start(second);
    FAIL() << "a second server bound the same port";
  } catch (const std::runtime_error& error) {
    EXPECT_EQ(std::string(error.what()),
              fmt::format("cannot listen on 127.0.0.1:{}: Address already in use", server->port()));
  }
}

TEST_F(MetricsHttpServerTest, AnUnresolvableHostIsRefused) {
  HttpServerOptions options;
  options.host = "no-such-host.invalid";
  try {
    HttpServer::start(options);
    FAIL() << "started on an unresolvable host";
  } catch (const std::runtime_error& error) {
    EXPECT_NE(std::string(error.what()).find("cannot resolve \"no-such-host.invalid\""),
              std::string::npos)
        << error.what();
  }
}

TEST_F(MetricsHttpServerTest, StopClosesTheListener) {
  auto server = start();
  const std::uint16_t port = server->port();
  server->stop();
  server->stop();  // idempotent
  EXPECT_THROW(RawConnection{port}, std::runtime_error);
}

TEST(MetricsHttpServer, AllInterfacesAndIpv6LoopbackWork) {
  HttpServerOptions options;
  options.routes["/hello"] = [] { return text(200, "hello\n"); };
  const auto everywhere = HttpServer::start(options);
  EXPECT_EQ(get(everywhere->port(), "/hello").status, 200);  // reached over IPv4 loopback

  options.host = "::1";
  std::unique_ptr<HttpServer> v6;
  try {
    v6 = HttpServer::start(options);
  } catch (const std::runtime_error& error) {
    GTEST_SKIP() << "no IPv6 loopback here: " << error.what();
  }
  EXPECT_EQ(v6->address(), fmt::format("[::1]:{}", v6->port()));
}

}  // namespace
}  // namespace sscsi::metrics
