#include "csi/endpoint.h"

#include <sys/un.h>

#include <stdexcept>
#include <string>

#include <fmt/format.h>

#include "csi/printable.h"

namespace sscsi::csi {

std::filesystem::path parse_endpoint(std::string_view endpoint) {
  constexpr std::string_view kScheme = "unix://";
  const auto fail = [&](std::string_view problem) {
    throw std::invalid_argument(fmt::format("CSI endpoint {}: {}", printable(endpoint), problem));
  };
  if (endpoint.empty()) fail("is empty; expected unix:///ABSOLUTE/PATH");
  if (endpoint.find('\0') != std::string_view::npos) fail("contains a NUL byte");
  if (!endpoint.starts_with(kScheme)) {
    fail("only unix sockets are served; expected unix:///ABSOLUTE/PATH");
  }
  const std::string_view path = endpoint.substr(kScheme.size());
  if (!path.starts_with('/')) {
    fail(fmt::format("the socket path must be absolute (note the third slash: unix:///{})", path));
  }
  if (path.ends_with('/')) fail("the path names a directory; name the socket file");
  constexpr std::size_t kMaxSocketPath = sizeof(sockaddr_un::sun_path) - 1;
  if (path.size() > kMaxSocketPath) {
    fail(fmt::format("the socket path is {} bytes; a unix socket address holds at most {}",
                     path.size(), kMaxSocketPath));
  }
  return std::filesystem::path(std::string(path));
}

}  // namespace sscsi::csi
