#include "test_https_server.h"

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <stdexcept>

#ifndef SSCSI_TEST_HTTPS_SERVER_SCRIPT
#error "tests/unit/azure/http/CMakeLists.txt defines SSCSI_TEST_HTTPS_SERVER_SCRIPT"
#endif

namespace sscsi::azure::testing {
namespace {

void run(const std::string& command) {
  const std::string quiet = command + " >/dev/null 2>&1";
  if (std::system(quiet.c_str()) != 0) throw std::runtime_error("test PKI: failed: " + command);
}

void make_ca(const std::filesystem::path& dir, const std::string& name) {
  run("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj "
      "/CN=" +
      name +
      " -addext basicConstraints=critical,CA:TRUE -addext "
      "keyUsage=critical,keyCertSign,cRLSign -keyout '" +
      (dir / (name + ".key")).string() + "' -out '" + (dir / (name + ".pem")).string() + "'");
}

}  // namespace

TestPki::TestPki(const std::vector<std::string>& dns_names) {
  char pattern[] = "/tmp/sscsi-azure-pki-XXXXXX";
  if (mkdtemp(pattern) == nullptr) throw std::runtime_error("test PKI: mkdtemp failed");
  dir_ = pattern;
  make_ca(dir_, "ca");
  make_ca(dir_, "other-ca");
  std::string san = "subjectAltName=IP:127.0.0.1";
  for (const std::string& name : dns_names) san += ",DNS:" + name;
  {
    std::ofstream ext(dir_ / "server.ext");
    ext << san << "\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n";
  }
  const std::string d = dir_.string();
  run("openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=test-server "
      "-keyout '" +
      d + "/server.key' -out '" + d + "/server.csr'");
  run("openssl x509 -req -days 2 -in '" + d + "/server.csr' -CA '" + d + "/ca.pem' -CAkey '" + d +
      "/ca.key' -CAcreateserial -extfile '" + d + "/server.ext' -out '" + d + "/server.pem'");
}

TestPki::~TestPki() {
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

TestHttpsServer::TestHttpsServer(const std::filesystem::path& cert,
                                 const std::filesystem::path& key)
    : tls_(true) {
  start({"--cert", cert.string(), "--key", key.string()});
}

TestHttpsServer::TestHttpsServer() { start({}); }

void TestHttpsServer::start(const std::vector<std::string>& args) {
  int in_pipe[2];
  int out_pipe[2];
  if (pipe(in_pipe) != 0 || pipe(out_pipe) != 0) throw std::runtime_error("pipe failed");
  std::vector<std::string> argv_text = {"python3", SSCSI_TEST_HTTPS_SERVER_SCRIPT};
  argv_text.insert(argv_text.end(), args.begin(), args.end());
  pid_ = fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    dup2(in_pipe[0], 0);
    dup2(out_pipe[1], 1);
    close(in_pipe[0]);
    close(in_pipe[1]);
    close(out_pipe[0]);
    close(out_pipe[1]);
    std::vector<char*> argv;
    for (std::string& arg : argv_text) argv.push_back(arg.data());
    argv.push_back(nullptr);
    execvp("python3", argv.data());
    _exit(127);
  }
  close(in_pipe[0]);
  close(out_pipe[1]);
  stdin_fd_ = in_pipe[1];
  std::string line;
  pollfd fd{out_pipe[0], POLLIN, 0};
  while (line.find('\n') == std::string::npos) {
    if (poll(&fd, 1, 20000) <= 0) break;
    char buffer[128];
    const ssize_t got = read(out_pipe[0], buffer, sizeof buffer);
    if (got <= 0) break;
    line.append(buffer, static_cast<std::size_t>(got));
  }
  close(out_pipe[0]);
  if (line.rfind("PORT ", 0) != 0) {
    throw std::runtime_error("test HTTPS server did not start; it said: " + line);
  }
  port_ = std::atoi(line.c_str() + 5);
}

TestHttpsServer::~TestHttpsServer() {
  if (stdin_fd_ >= 0) close(stdin_fd_);  // the server exits when its stdin closes
  if (pid_ > 0) {
    for (int i = 0; i < 100; ++i) {
      if (waitpid(pid_, nullptr, WNOHANG) == pid_) return;
      usleep(20000);
    }
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
}

std::string TestHttpsServer::base_url() const {
  return std::string(tls_ ? "https" : "http") + "://127.0.0.1:" + std::to_string(port_);
}

}  // namespace sscsi::azure::testing
