#pragma once
// Parsers for the values of sscsi-host's options. Each returns the parsed value or throws
// std::invalid_argument with a message that describes the problem with the value (the caller
// adds which option it came from).

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sscsi::app {

// Where a TCP server listens: host may be empty (all interfaces), a hostname, an IPv4 address
// or an IPv6 address (kept without brackets).
struct ListenAddress {
  std::string host;
  std::uint16_t port = 0;
  bool operator==(const ListenAddress&) const = default;
};

// Prints the address the way it is written on the command line: ":8095", "[::1]:8095".
std::string to_string(const ListenAddress& address);

// "unix:///ABSOLUTE/PATH" -> "/ABSOLUTE/PATH". TCP is refused: the CSI socket is node-local.
std::filesystem::path parse_unix_endpoint(std::string_view text);

// "host:port", ":port" or "[ipv6]:port", port 0-65535; port 0 lets the kernel pick a free port
// (tests), and the server then logs the one it got.
ListenAddress parse_listen_address(std::string_view text);

// Go's strconv.ParseBool spellings (1, t, T, TRUE, true, True and the false forms), so values
// from upstream manifests keep working.
bool parse_bool(std::string_view text);

// klog verbosity: a whole number from 0 to 5.
int parse_verbosity(std::string_view text);

// A whole number from `min` to `max` (client-side API rate and burst).
int parse_bounded_int(std::string_view text, int min, int max);

// Provider names as the plugin ABI defines them: ^[a-zA-Z0-9_-]{1,30}$.
bool is_provider_name(std::string_view name);

// "NAME=FILE" for --plugin-config: NAME a provider name, FILE non-empty.
std::pair<std::string, std::filesystem::path> parse_plugin_config(std::string_view text);

// "a,b" for --require-plugins: comma-separated provider names, blanks around names ignored,
// repeated names kept once (first position).
std::vector<std::string> parse_provider_list(std::string_view text);

// A byte size as Kubernetes writes quantities: a whole number with an optional binary (Ki, Mi,
// Gi) or decimal (k, M, G) suffix, e.g. 64Mi. Must be positive.
std::uint64_t parse_size(std::string_view text);

// A CSI driver name: at most 63 characters, alphanumerics at both ends, [-.a-zA-Z0-9] between.
void check_driver_name(std::string_view name);

// A CSI node id: at most 256 bytes (the CSI size limit); empty means "not set".
void check_node_id(std::string_view node_id);

}  // namespace sscsi::app
