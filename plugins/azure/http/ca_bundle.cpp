#include "http/ca_bundle.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <fmt/format.h>

namespace sscsi::azure {
namespace {

constexpr std::size_t kMaxBundleBytes = 16 * 1024 * 1024;

bool read_file(const std::string& path, std::string& out, std::string& why) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    why = std::strerror(errno);
    return false;
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) {
    why = "read error";
    return false;
  }
  out = text.str();
  if (out.size() > kMaxBundleBytes) {
    why = fmt::format("larger than {} bytes", kMaxBundleBytes);
    return false;
  }
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
