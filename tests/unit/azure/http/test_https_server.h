#pragma once
// Test support for the Azure plugin's HTTP tests: a throw-away PKI made with the openssl CLI
// (a CA and a server certificate for chosen names) and tests/unit/azure/http/
// test_https_server.py running as a child process on a free loopback port.

#include <sys/types.h>

#include <filesystem>
#include <string>
#include <vector>

namespace sscsi::azure::testing {

// A temporary directory holding ca.pem, ca.key, server.pem, server.key and other-ca.pem (a
// second, unrelated CA). Removed on destruction.
class TestPki {
 public:
  // `dns_names`: the server certificate's DNS SANs (it always has IP 127.0.0.1 too).
  explicit TestPki(const std::vector<std::string>& dns_names);
  ~TestPki();
  TestPki(const TestPki&) = delete;
  TestPki& operator=(const TestPki&) = delete;

  std::filesystem::path dir() const { return dir_; }
  std::filesystem::path ca_file() const { return dir_ / "ca.pem"; }
  std::filesystem::path other_ca_file() const { return dir_ / "other-ca.pem"; }
  std::filesystem::path server_cert() const { return dir_ / "server.pem"; }
  std::filesystem::path server_key() const { return dir_ / "server.key"; }

 private:
  std::filesystem::path dir_;
};

// The python server; HTTPS when given a certificate, plain HTTP otherwise.
class TestHttpsServer {
 public:
  // Throws std::runtime_error when the server does not come up within 20 s.
  TestHttpsServer(const std::filesystem::path& cert, const std::filesystem::path& key);
  TestHttpsServer();  // plain HTTP
  ~TestHttpsServer();
  TestHttpsServer(const TestHttpsServer&) = delete;
  TestHttpsServer& operator=(const TestHttpsServer&) = delete;

  int port() const { return port_; }
  // "https://127.0.0.1:<port>" (or http://).
  std::string base_url() const;

 private:
  void start(const std::vector<std::string>& args);

  bool tls_ = false;
  pid_t pid_ = -1;
  int stdin_fd_ = -1;
  int port_ = 0;
};

}  // namespace sscsi::azure::testing
