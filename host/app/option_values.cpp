#include "app/option_values.h"

#include <arpa/inet.h>
#include <sys/un.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <stdexcept>

#include <fmt/format.h>

namespace sscsi::app {
namespace {

[[noreturn]] void fail(std::string message) { throw std::invalid_argument(std::move(message)); }

bool is_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

bool is_ipv4(std::string_view text) {
  std::array<unsigned char, 4> bytes{};
  return inet_pton(AF_INET, std::string(text).c_str(), bytes.data()) == 1;
}

bool is_ipv6(std::string_view text) {
  std::array<unsigned char, 16> bytes{};
  return inet_pton(AF_INET6, std::string(text).c_str(), bytes.data()) == 1;
}

bool is_hostname(std::string_view text) {
  if (text.empty() || text.size() > 253) return false;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t dot = text.find('.', start);
    const std::string_view label =
        text.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (label.empty() || label.size() > 63) return false;
    if (label.front() == '-' || label.back() == '-') return false;
    if (!std::all_of(label.begin(), label.end(), [](char c) { return is_alnum(c) || c == '-'; })) {
      return false;
    }
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return true;
}

std::uint16_t parse_port(std::string_view port, std::string_view whole) {
  unsigned value = 0;
  const auto [end, error] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (port.empty() || error != std::errc{} || end != port.data() + port.size() || value > 65535) {
    fail(
        fmt::format("\"{}\": the port \"{}\" must be a number from 0 to 65535 (0: any free "
                    "port)",
                    whole, port));
  }
  return static_cast<std::uint16_t>(value);
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

}  // namespace

std::string to_string(const ListenAddress& address) {
  if (address.host.find(':') != std::string::npos) {
    return fmt::format("[{}]:{}", address.host, address.port);
  }
  return fmt::format("{}:{}", address.host, address.port);
}

std::filesystem::path parse_unix_endpoint(std::string_view text) {
  constexpr std::string_view kScheme = "unix://";
  if (text.starts_with("tcp://")) {
    fail(
        fmt::format("\"{}\": tcp endpoints are not offered (the CSI socket is local to the "
                    "node); use unix:///ABSOLUTE/PATH",
                    text));
  }
  if (!text.starts_with(kScheme)) {
    fail(fmt::format("\"{}\" must have the form unix:///ABSOLUTE/PATH", text));
  }
  const std::string_view path = text.substr(kScheme.size());
  if (!path.starts_with('/')) {
    fail(
        fmt::format("\"{}\": the socket path must be absolute (note the third slash: "
                    "unix:///{})",
                    text, path));
  }
  if (path.ends_with('/')) {
    fail(fmt::format("\"{}\": the socket path names a directory; name the socket file", text));
  }
  constexpr std::size_t kMaxSocketPath = sizeof(sockaddr_un::sun_path) - 1;
  if (path.size() > kMaxSocketPath) {
    fail(fmt::format("\"{}\": the socket path is {} bytes; a unix socket path holds at most {}",
                     text, path.size(), kMaxSocketPath));
  }
  return std::filesystem::path(path);
}

ListenAddress parse_listen_address(std::string_view text) {
  ListenAddress address;
  std::string_view port;
  if (text.starts_with('[')) {
    const std::size_t close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':') {
      fail(fmt::format("\"{}\" must have the form [IPV6]:PORT", text));
    }
    address.host = std::string(text.substr(1, close - 1));
    if (!is_ipv6(address.host)) {
      fail(fmt::format("\"{}\": \"{}\" is not an IPv6 address", text, address.host));
    }
    port = text.substr(close + 2);
  } else {
    const std::size_t colon = text.rfind(':');
    if (colon == std::string_view::npos) {
      fail(fmt::format("\"{}\" must have the form HOST:PORT or :PORT, e.g. :8095", text));
    }
    address.host = std::string(text.substr(0, colon));
    if (address.host.find(':') != std::string::npos) {
      fail(fmt::format("\"{}\": write an IPv6 address in brackets, e.g. [::1]:8095", text));
    }
    const bool looks_numeric =
        !address.host.empty() && std::all_of(address.host.begin(), address.host.end(), [](char c) {
          return (c >= '0' && c <= '9') || c == '.';
        });
    if (!address.host.empty() &&
        (looks_numeric ? !is_ipv4(address.host) : !is_hostname(address.host))) {
      fail(fmt::format("\"{}\": \"{}\" is neither a host name nor an IPv4 address", text,
                       address.host));
    }
    port = text.substr(colon + 1);
  }
  address.port = parse_port(port, text);
  return address;
}

bool parse_bool(std::string_view text) {
  for (std::string_view yes : {"1", "t", "T", "TRUE", "true", "True"}) {
    if (text == yes) return true;
  }
  for (std::string_view no : {"0", "f", "F", "FALSE", "false", "False"}) {
    if (text == no) return false;
  }
  fail(fmt::format("\"{}\" is not a boolean (use true or false)", text));
}

int parse_verbosity(std::string_view text) {
  int value = -1;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc{} || end != text.data() + text.size() || value < 0 ||
      value > 5) {
    fail(fmt::format("\"{}\" must be a whole number from 0 to 5", text));
  }
  return value;
}

int parse_bounded_int(std::string_view text, int min, int max) {
  int value = min - 1;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc{} || end != text.data() + text.size() || value < min ||
      value > max) {
    fail(fmt::format("\"{}\" must be a whole number from {} to {}", text, min, max));
  }
  return value;
}

std::uint64_t parse_size(std::string_view text) {
  static constexpr std::pair<std::string_view, std::uint64_t> kSuffixes[] = {
      {"Ki", 1ull << 10}, {"Mi", 1ull << 20}, {"Gi", 1ull << 30},
      {"k", 1000},        {"M", 1000 * 1000}, {"G", 1000 * 1000 * 1000}};
  std::uint64_t unit = 1;
  std::string_view digits = text;
  for (const auto& [suffix, factor] : kSuffixes) {
    if (text.size() > suffix.size() && text.ends_with(suffix)) {
      unit = factor;
      digits = text.substr(0, text.size() - suffix.size());
      break;
    }
  }
  std::uint64_t value = 0;
  const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (digits.empty() || error != std::errc{} || end != digits.data() + digits.size() ||
      value == 0 || value > UINT64_MAX / unit) {
    fail(fmt::format("\"{}\" must be a positive size such as 64Mi, 1Gi or 500k", text));
  }
  return value * unit;
}

bool is_provider_name(std::string_view name) {
  return !name.empty() && name.size() <= 30 && std::all_of(name.begin(), name.end(), [](char c) {
    return is_alnum(c) || c == '_' || c == '-';
  });
}

std::pair<std::string, std::filesystem::path> parse_plugin_config(std::string_view text) {
  const std::size_t equals = text.find('=');
  if (equals == std::string_view::npos) {
    fail(fmt::format("\"{}\" must have the form NAME=FILE, e.g. mock=/etc/sscsi/mock.json", text));
  }
  const std::string_view name = text.substr(0, equals);
  const std::string_view file = text.substr(equals + 1);
  if (!is_provider_name(name)) {
    fail(fmt::format("\"{}\": the provider name \"{}\" must match ^[a-zA-Z0-9_-]{{1,30}}$", text,
                     name));
  }
  if (file.empty()) fail(fmt::format("\"{}\": the FILE after '=' is empty", text));
  return {std::string(name), std::filesystem::path(file)};
}

std::vector<std::string> parse_provider_list(std::string_view text) {
  std::vector<std::string> names;
  std::size_t start = 0;
  while (true) {
    const std::size_t comma = text.find(',', start);
    const std::string_view name = trim(text.substr(
        start, comma == std::string_view::npos ? std::string_view::npos : comma - start));
    if (name.empty()) fail(fmt::format("\"{}\" contains an empty provider name", text));
    if (!is_provider_name(name)) {
      fail(fmt::format("\"{}\": the provider name \"{}\" must match ^[a-zA-Z0-9_-]{{1,30}}$", text,
                       name));
    }
    if (std::find(names.begin(), names.end(), name) == names.end()) names.emplace_back(name);
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return names;
}

void check_driver_name(std::string_view name) {
  const bool valid = !name.empty() && name.size() <= 63 && is_alnum(name.front()) &&
                     is_alnum(name.back()) && std::all_of(name.begin(), name.end(), [](char c) {
                       return is_alnum(c) || c == '-' || c == '.';
                     });
  if (!valid) {
    fail(
        fmt::format("\"{}\" is not a CSI driver name (at most 63 characters, alphanumerics at "
                    "both ends, letters, digits, '-' and '.' between)",
                    name));
  }
}

void check_node_id(std::string_view node_id) {
  if (node_id.size() > 256) {
    fail(
        fmt::format("the value is {} bytes long; a CSI node id holds at most 256", node_id.size()));
  }
}

}  // namespace sscsi::app
