// CurlApiClient without an API server: requests it refuses to send, a closed port (retried,
// then reported), a server that never answers (per-attempt timeout), the rate limit against the
// budget, and option checks. Everything talks to 127.0.0.1 only.

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <stdexcept>
#include <string>

#include "kube/client/api_client_factory.h"
#include "kube/client/curl_api_client.h"
#include "test_files.h"

namespace sscsi::kube {
namespace {

using namespace std::chrono_literals;

constexpr const char* kToken = "offline-test-token-0123456789";

// A TCP socket on 127.0.0.1 with a free port; listening or not.
class LocalPort {
 public:
  explicit LocalPort(bool listen_on_it) {
    fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
      throw std::runtime_error("bind failed");
    }
    socklen_t length = sizeof address;
    getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length);
    port_ = ntohs(address.sin_port);
    if (listen_on_it) {
      listen(fd_, 16);  // never accepted: connections complete, nothing ever answers
    } else {
      close(fd_);  // the port is now (almost certainly) closed: connections are refused
      fd_ = -1;
    }
  }
  ~LocalPort() {
    if (fd_ >= 0) close(fd_);
  }
  LocalPort(const LocalPort&) = delete;
  LocalPort& operator=(const LocalPort&) = delete;
  std::string url() const { return "https://127.0.0.1:" + std::to_string(port_); }

 private:
  int fd_ = -1;
  int port_ = 0;
};

ClusterConfig config_for(const std::string& server) {
  ClusterConfig config;
  config.server = server;
  config.origin = "test";
  config.token = SecretString(kToken);
  return config;
}

ClientOptions quick_options() {
  ClientOptions options;
  options.retry.base_delay = 1ms;
  options.retry.max_delay = 5ms;
  options.retry.max_attempts = 3;
  options.connect_timeout = 2s;
  options.request_timeout = 5s;
  return options;
}

ApiRequest get_pod() {
  return ApiRequest{"GET", "/api/v1/namespaces/default/pods/web-1", "", "application/json",
                    "Pod default/web-1"};
}

TEST(KubeClientOffline, RefusedConnectionIsRetriedThenReported) {
  const LocalPort closed(false);
  CurlApiClient client(config_for(closed.url()), quick_options());
  const ApiResponse response = client.send(get_pod());
  EXPECT_EQ(response.status, 0);
  EXPECT_FALSE(response.ok());
  EXPECT_EQ(response.attempts, 3);
  EXPECT_EQ(response.error.rfind("Pod default/web-1: GET to " + closed.url() +
                                     " failed after 3 attempts: Couldn't connect to server",
                                 0),
            0u)
      << response.error;
  EXPECT_EQ(response.error.find(kToken), std::string::npos);
}

TEST(KubeClientOffline, SilentServerTimesOutPerAttemptWithinTheBudget) {
  const LocalPort silent(true);
  ClientOptions options = quick_options();
  options.request_timeout = 300ms;
  options.retry.max_attempts = 2;
  CurlApiClient client(config_for(silent.url()), options);
  const ApiResponse response = client.send(get_pod());
  EXPECT_EQ(response.status, 0);
  EXPECT_EQ(response.attempts, 2);  // a timeout is transient
  EXPECT_NE(response.error.find("Timeout was reached"), std::string::npos) << response.error;
}

TEST(KubeClientOffline, UnknownMethodIsNotSent) {
  CurlApiClient client(config_for("https://127.0.0.1:1"), quick_options());
  ApiRequest request = get_pod();
  request.method = "TRACE";
  const ApiResponse response = client.send(request);
  EXPECT_EQ(response.attempts, 0);
  EXPECT_EQ(response.error,
            "Pod default/web-1: method \"TRACE\" is not one of GET, POST, PUT, PATCH, DELETE");
}

TEST(KubeClientOffline, RelativePathIsNotSent) {
  CurlApiClient client(config_for("https://127.0.0.1:1"), quick_options());
  ApiRequest request = get_pod();
  request.path = "api/v1/pods";
  const ApiResponse response = client.send(request);
  EXPECT_EQ(response.attempts, 0);
  EXPECT_EQ(response.error, "Pod default/web-1: GET path \"api/v1/pods\" does not start with /");
}

TEST(KubeClientOffline, UnreadableTokenFileStopsTheRequest) {
  testing::TempDir dir;
  ClusterConfig config = config_for("https://127.0.0.1:1");
  config.token.clear();
  config.token_file = dir.path() / "token";  // never written
  CurlApiClient client(config, quick_options());
  const ApiResponse response = client.send(get_pod());
  EXPECT_EQ(response.attempts, 0);
  EXPECT_EQ(response.error, "Pod default/web-1: GET not sent: token file " +
                                config.token_file.string() +
                                ": cannot read: No such file or directory");
}

TEST(KubeClientOffline, RateLimitThatWouldOutlastTheBudgetRefusesToWait) {
  const LocalPort closed(false);
  ClientOptions options = quick_options();
  options.qps = 0.001;  // one token per 1000 s
  options.burst = 1;
  options.retry.max_attempts = 1;
  options.retry.budget = 200ms;
  CurlApiClient client(config_for(closed.url()), options);
  EXPECT_EQ(client.send(get_pod()).attempts, 1);  // the burst token
  const ApiResponse second = client.send(get_pod());
  EXPECT_EQ(second.attempts, 0);
  EXPECT_NE(second.error.find("Pod default/web-1: GET not sent: the client-side rate limit (qps "
                              "0.001, burst 1) would hold it past the 200 ms request budget"),
            std::string::npos)
      << second.error;
}

TEST(KubeClientOffline, FactoryBuildsAClient) {
  const LocalPort closed(false);
  ClientOptions options = quick_options();
  options.retry.max_attempts = 1;
  const auto client = make_api_client(config_for(closed.url()), options);
  ASSERT_NE(client, nullptr);
  EXPECT_EQ(client->send(get_pod()).attempts, 1);
}

TEST(KubeClientOffline, BadOptionsAreRefused) {
  const ClusterConfig config = config_for("https://127.0.0.1:1");
  const auto refused = [&](auto change) {
    ClientOptions options;
    change(options);
    EXPECT_THROW(CurlApiClient(config, options), std::invalid_argument);
  };
  refused([](ClientOptions& o) { o.burst = 0; });
  refused([](ClientOptions& o) { o.request_timeout = 0ms; });
  refused([](ClientOptions& o) { o.connect_timeout = -1ms; });
  refused([](ClientOptions& o) { o.retry.max_attempts = 0; });
  refused([](ClientOptions& o) { o.retry.budget = 0ms; });
  refused([](ClientOptions& o) { o.retry.max_delay = 1ms; });
  refused([](ClientOptions& o) { o.max_response_bytes = 0; });
  EXPECT_THROW(CurlApiClient(config_for("http://127.0.0.1:1"), ClientOptions{}),
               std::invalid_argument);
}

}  // namespace
}  // namespace sscsi::kube
