#pragma once
// The --endpoint address of the CSI socket. Only unix:///ABSOLUTE/PATH is served: the kubelet,
// node-driver-registrar and livenessprobe reach the driver through a file on the node, and a TCP
// listener would expose NodePublishVolume to the network.

#include <filesystem>
#include <string_view>

namespace sscsi::csi {

// "unix:///ABSOLUTE/PATH" -> "/ABSOLUTE/PATH". Throws std::invalid_argument naming the text and
// the problem: another scheme, a relative path (unix://tmp/x is refused rather than guessed), a
// path naming a directory, a NUL byte, or a path longer than a unix socket address holds.
std::filesystem::path parse_endpoint(std::string_view endpoint);

}  // namespace sscsi::csi
