#include "http_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <stdexcept>

#include <fmt/format.h>

namespace sscsi::metrics::testing {

RawConnection::RawConnection(std::uint16_t port, const char* ipv4) {
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) throw std::runtime_error(fmt::format("socket: {}", std::strerror(errno)));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  if (::inet_pton(AF_INET, ipv4, &address.sin_addr) != 1) {
    ::close(fd_);
    throw std::runtime_error(fmt::format("\"{}\" is not an IPv4 address", ipv4));
  }
  if (::connect(fd_, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
    const int error = errno;
    ::close(fd_);
    throw std::runtime_error(fmt::format("connect to {}:{}: {}", ipv4, port, std::strerror(error)));
  }
}

RawConnection::~RawConnection() { ::close(fd_); }

void RawConnection::send_all(std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t put = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (put < 0) throw std::runtime_error(fmt::format("send: {}", std::strerror(errno)));
    bytes.remove_prefix(static_cast<std::size_t>(put));
  }
}

std::string RawConnection::read_to_end(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::string received;
  char buffer[4096];
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      timed_out_ = true;
      return received;
    }
    pollfd polled{fd_, POLLIN, 0};
    if (::poll(&polled, 1, static_cast<int>(left.count())) <= 0) continue;
    const ssize_t got = ::recv(fd_, buffer, sizeof buffer, 0);
    if (got <= 0) return received;  // closed (or reset: what arrived is the answer)
    received.append(buffer, static_cast<std::size_t>(got));
  }
}

ParsedResponse parse_response(const std::string& raw) {
  ParsedResponse parsed;
  const std::size_t head_end = raw.find("\r\n\r\n");
  if (head_end == std::string::npos || !raw.starts_with("HTTP/1.1 ")) return parsed;
  std::size_t line_start = raw.find("\r\n") + 2;
  while (line_start < head_end) {
    const std::size_t line_end = raw.find("\r\n", line_start);
    const std::string line = raw.substr(line_start, line_end - line_start);
    const std::size_t colon = line.find(':');
    if (colon == std::string::npos) return parsed;
    std::string name = line.substr(0, colon);
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    parsed.headers[name] = line.substr(line.find_first_not_of(' ', colon + 1));
    line_start = line_end + 2;
  }
  parsed.body = raw.substr(head_end + 4);
  parsed.status = std::stoi(raw.substr(9, 3));
  return parsed;
}

ParsedResponse exchange(std::uint16_t port, std::string_view request, const char* ipv4) {
  RawConnection connection(port, ipv4);
  connection.send_all(request);
  return parse_response(connection.read_to_end());
}

ParsedResponse get(std::uint16_t port, std::string_view path, const char* ipv4) {
  return exchange(port, fmt::format("GET {} HTTP/1.1\r\nHost: {}\r\n\r\n", path, ipv4), ipv4);
}

}  // namespace sscsi::metrics::testing
