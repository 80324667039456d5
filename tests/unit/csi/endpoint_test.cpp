#include "csi/endpoint.h"

#include <stdexcept>
#include <string>

#include <gtest/gtest.h>

namespace sscsi::csi {
namespace {

std::string error_of(const std::string& endpoint) {
  try {
    parse_endpoint(endpoint);
  } catch (const std::invalid_argument& error) {
    return error.what();
  }
  return "(accepted)";
}

TEST(CsiEndpoint, UnixAbsolutePathIsAccepted) {
  EXPECT_EQ(parse_endpoint("unix:///csi/csi.sock"), std::filesystem::path("/csi/csi.sock"));
  EXPECT_EQ(parse_endpoint("unix:///var/lib/kubelet/plugins/csi-secrets-store/csi.sock"),
            std::filesystem::path("/var/lib/kubelet/plugins/csi-secrets-store/csi.sock"));
}

TEST(CsiEndpoint, EverythingElseIsRefusedWithTheReason) {
  EXPECT_EQ(error_of(""), "CSI endpoint \"\": is empty; expected unix:///ABSOLUTE/PATH");
  EXPECT_EQ(error_of("tcp://127.0.0.1:10000"),
            "CSI endpoint \"tcp://127.0.0.1:10000\": only unix sockets are served; expected "
            "unix:///ABSOLUTE/PATH");
  EXPECT_EQ(error_of("/csi/csi.sock"),
            "CSI endpoint \"/csi/csi.sock\": only unix sockets are served; expected "
            "unix:///ABSOLUTE/PATH");
  EXPECT_EQ(error_of("unix://tmp/csi.sock"),
            "CSI endpoint \"unix://tmp/csi.sock\": the socket path must be absolute (note the "
            "third slash: unix:///tmp/csi.sock)");
  EXPECT_EQ(error_of("unix:///csi/"),
            "CSI endpoint \"unix:///csi/\": the path names a directory; name the socket file");
  EXPECT_EQ(error_of(std::string("unix:///a\0b", 11)),
            "CSI endpoint \"unix:///a\\x00b\": contains a NUL byte");
  const std::string long_path = "/" + std::string(120, 'x');
  EXPECT_EQ(error_of("unix://" + long_path),
            "CSI endpoint \"unix://" + long_path +
                "\": the socket path is 121 bytes; a unix socket address holds at most 107");
}

}  // namespace
}  // namespace sscsi::csi
