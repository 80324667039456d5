#include "http/ca_bundle.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <utility>

#include <fmt/format.h>

namespace sscsi::azure {
namespace {

constexpr std::size_t kMaxBundleBytes = 16 * 1024 * 1024;

// O_NONBLOCK: a FIFO named as caFile would otherwise block open() (and with it the plugin's
// start-up) until some writer came; fstat then refuses anything but a regular file. No
// O_NOFOLLOW: a caFile mounted from a ConfigMap is a symlink by design.
bool read_file(const std::string& path, std::string& out, std::string& why) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
  if (fd < 0) {
    why = std::strerror(errno);
    return false;
  }
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  struct stat info {};
  if (::fstat(fd, &info) != 0) {
    why = std::strerror(errno);
    return false;
  }
  if (!S_ISREG(info.st_mode)) {
    why = "not a regular file";
    return false;
  }
  const std::string too_large = fmt::format("larger than {} bytes", kMaxBundleBytes);
  if (static_cast<std::uintmax_t>(info.st_size) > kMaxBundleBytes) {
    why = too_large;
    return false;
  }
  std::string text;
  char buffer[65536];
  for (;;) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      why = std::strerror(errno);
      return false;
    }
    if (n == 0) break;
    text.append(buffer, static_cast<std::size_t>(n));
    // The file may grow after fstat: the cap holds for what is read too.
    if (text.size() > kMaxBundleBytes) {
      why = too_large;
      return false;
    }
  }
  out = std::move(text);
  return true;
}

}  // namespace

std::string read_ca_file(const HttpClientOptions& options) {
  if (options.ca_file.empty()) {
    if (!options.use_system_store) {
      throw std::invalid_argument("no trusted CA: the system store is off and no caFile is set");
    }
    return {};
  }
  std::string extra;
  std::string why;
  if (!read_file(options.ca_file, extra, why)) {
    throw std::invalid_argument(fmt::format("caFile {}: cannot read it: {}", options.ca_file, why));
  }
  if (extra.find("-----BEGIN CERTIFICATE-----") == std::string::npos) {
    throw std::invalid_argument(fmt::format(
        "caFile {}: no PEM certificate (-----BEGIN CERTIFICATE-----) in it", options.ca_file));
  }
  return extra;
}

}  // namespace sscsi::azure
