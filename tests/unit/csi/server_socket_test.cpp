// The socket file: where it is created, what may be replaced, its mode, and shutdown.

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <stdexcept>

#include "server_fixture.h"

namespace sscsi::csi {
namespace {

namespace pb = ::csi::v1;
namespace fs = std::filesystem;
using testing::context_with_timeout;
using CsiServerSocket = testing::CsiServerFixture;

// A bound unix socket file at `path`; listening when `listen` (a live server), otherwise left
// behind as a crashed process would leave it.
class SocketFile {
 public:
  SocketFile(const fs::path& path, bool listen) {
    fd_ = ::socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::strncpy(address.sun_path, path.c_str(), sizeof(address.sun_path) - 1);
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
      throw std::runtime_error("bind failed: " + std::string(std::strerror(errno)));
    }
    if (listen) {
      ::listen(fd_, 1);
    } else {
      close();
    }
  }
  ~SocketFile() { close(); }
  void close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_ = -1;
};

mode_t mode_of(const fs::path& path) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) return 0;
  return st.st_mode;
}

std::string start_error(testing::CsiServerFixture& fixture) {
  try {
    fixture.start();
  } catch (const std::exception& error) {
    return error.what();
  }
  return "(started)";
}

bool probe_works(const fs::path& socket) {
  auto stub = pb::Identity::NewStub(testing::connect(socket));
  pb::ProbeResponse response;
  return stub
      ->Probe(context_with_timeout(std::chrono::seconds(5)).get(), pb::ProbeRequest(), &response)
      .ok();
}

TEST_F(CsiServerSocket, SocketIsOwnerAndGroupOnly) {
  start();
  const mode_t mode = mode_of(server_->socket_path());
  EXPECT_TRUE(S_ISSOCK(mode));
  EXPECT_EQ(mode & 07777, 0660);
}

TEST_F(CsiServerSocket, APermissiveUmaskStillGivesMode0660AndIsLeftAsItWas) {
  const mode_t old_umask = ::umask(0);
  start();
  const mode_t umask_after = ::umask(old_umask);
  EXPECT_EQ(umask_after, 0u) << "the server narrows the umask only while gRPC binds the socket";
  EXPECT_EQ(mode_of(server_->socket_path()) & 07777, 0660);
}

TEST_F(CsiServerSocket, MissingParentDirectoriesAreCreatedWithMode0750) {
  const mode_t old_umask = ::umask(022);
  start([&](CsiServerOptions& options) {
    options.endpoint =
        "unix://" + (dir_.path() / "plugins" / "csi-secrets-store" / "csi.sock").string();
  });
  ::umask(old_umask);
  EXPECT_EQ(mode_of(dir_.path() / "plugins") & 07777, 0750);
  EXPECT_EQ(mode_of(dir_.path() / "plugins" / "csi-secrets-store") & 07777, 0750);
  EXPECT_TRUE(probe_works(server_->socket_path()));
}

TEST_F(CsiServerSocket, StaleSocketIsReplaced) {
  const fs::path socket = dir_.path() / "csi.sock";
  { SocketFile stale(socket, false); }
  ASSERT_TRUE(S_ISSOCK(mode_of(socket)));
  start();
  EXPECT_TRUE(probe_works(socket));
}

TEST_F(CsiServerSocket, LiveSocketOfAnotherProcessIsNotTakenOver) {
  const fs::path socket = dir_.path() / "csi.sock";
  SocketFile live(socket, true);
  EXPECT_EQ(start_error(*this), "CSI socket " + socket.string() +
                                    ": another process is serving on it; stop that process first");
  EXPECT_TRUE(S_ISSOCK(mode_of(socket)));
}

TEST_F(CsiServerSocket, RegularFileIsRefusedAndKept) {
  const fs::path socket = dir_.path() / "csi.sock";
  std::ofstream(socket) << "precious";
  EXPECT_EQ(start_error(*this),
            "CSI socket " + socket.string() +
                ": refusing to replace it: it is a regular file, not a socket; remove it or choose "
                "another --endpoint");
  std::ifstream in(socket);
  std::string content;
  in >> content;
  EXPECT_EQ(content, "precious");
}

TEST_F(CsiServerSocket, DirectoryIsRefusedAndKept) {
  const fs::path socket = dir_.path() / "csi.sock";
  fs::create_directory(socket);
  std::ofstream(socket / "inside") << "x";
  EXPECT_EQ(start_error(*this),
            "CSI socket " + socket.string() +
                ": refusing to replace it: it is a directory, not a socket; remove it or choose "
                "another --endpoint");
  EXPECT_TRUE(fs::exists(socket / "inside"));
}

TEST_F(CsiServerSocket, SymlinkIsRefusedAndKept) {
  const fs::path socket = dir_.path() / "csi.sock";
  fs::create_symlink(dir_.path() / "elsewhere", socket);
  EXPECT_EQ(start_error(*this),
            "CSI socket " + socket.string() +
                ": refusing to replace it: it is a symbolic link, not a socket; remove it or "
                "choose another --endpoint");
  EXPECT_TRUE(fs::is_symlink(fs::symlink_status(socket)));
}

TEST_F(CsiServerSocket, ParentThatIsAFileIsRefused) {
  std::ofstream(dir_.path() / "plugins") << "x";
  const fs::path socket = dir_.path() / "plugins" / "csi.sock";
  try {
    start([&](CsiServerOptions& options) { options.endpoint = "unix://" + socket.string(); });
    FAIL() << "started";
  } catch (const std::runtime_error& error) {
    EXPECT_EQ(std::string(error.what()), "CSI socket " + socket.string() + ": " +
                                             (dir_.path() / "plugins").string() +
                                             " is a regular file, not a directory");
  }
}

TEST_F(CsiServerSocket, BadEndpointOrOptionsAreInvalidArguments) {
  EXPECT_THROW(start([](CsiServerOptions& options) { options.endpoint = "tcp://0.0.0.0:1"; }),
               std::invalid_argument);
  EXPECT_THROW(start([](CsiServerOptions& options) { options.max_concurrent_calls = 0; }),
               std::invalid_argument);
  EXPECT_THROW(start([](CsiServerOptions& options) { options.max_message_size = -1; }),
               std::invalid_argument);
}

TEST_F(CsiServerSocket, ShutdownStopsServingAndRemovesTheSocket) {
  start();
  const fs::path socket = server_->socket_path();
  ASSERT_TRUE(probe_works(socket));
  server_->shutdown();
  EXPECT_FALSE(fs::exists(fs::symlink_status(socket)));
  pb::ProbeResponse response;
  EXPECT_EQ(identity_
                ->Probe(context_with_timeout(std::chrono::seconds(5)).get(), pb::ProbeRequest(),
                        &response)
                .error_code(),
            grpc::StatusCode::UNAVAILABLE);
  server_->shutdown();  // a second call does nothing
}

}  // namespace
}  // namespace sscsi::csi
