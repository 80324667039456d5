#pragma once
// A raw HTTP client for tests: sends exact bytes over loopback TCP and reads the answer until
// the server closes, so tests see precisely what the server put on the wire.

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

namespace sscsi::metrics::testing {

// A connected TCP socket to an IPv4 address (loopback by default); closed by the destructor.
class RawConnection {
 public:
  explicit RawConnection(std::uint16_t port, const char* ipv4 = "127.0.0.1");
  ~RawConnection();
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  void send_all(std::string_view bytes);
  // Everything until the server closes, or until `timeout` passes (then `timed_out()` is true).
  std::string read_to_end(std::chrono::milliseconds timeout = std::chrono::seconds(10));
  bool timed_out() const { return timed_out_; }

 private:
  int fd_ = -1;
  bool timed_out_ = false;
};

struct ParsedResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;
};

// Splits a complete HTTP/1.1 response; status 0 when it is not one.
ParsedResponse parse_response(const std::string& raw);

// Sends `request` on a new connection and parses the answer.
ParsedResponse exchange(std::uint16_t port, std::string_view request,
                        const char* ipv4 = "127.0.0.1");
// A GET of `path` with a Host header.
ParsedResponse get(std::uint16_t port, std::string_view path, const char* ipv4 = "127.0.0.1");

}  // namespace sscsi::metrics::testing
