#include "identity/identity_binding.h"

#include <openssl/evp.h>
#include <sys/stat.h>

#include <cstdlib>

#include <fmt/format.h>

#include "common/mount_error.h"
#include "http/http_client.h"
#include "http/url.h"

namespace sscsi::azure {
namespace {

constexpr std::string_view kSanPrefix = "hcp-kubernetes.";
constexpr std::string_view kSanSuffix = ".svc.cluster.local";

// RFC 4648 base32 with the extended-hex alphabet, no padding (Go's base32.HexEncoding
// .WithPadding(NoPadding)).
std::string base32hex(const unsigned char* data, std::size_t size) {
  static constexpr char kAlphabet[] = "0123456789ABCDEFGHIJKLMNOPQRSTUV";
  std::string out;
  unsigned buffer = 0;
  int bits = 0;
  for (std::size_t i = 0; i < size; ++i) {
    buffer = (buffer << 8) | data[i];
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out.push_back(kAlphabet[(buffer >> bits) & 0x1f]);
    }
  }
  if (bits > 0) out.push_back(kAlphabet[(buffer << (5 - bits)) & 0x1f]);
  return out;
}

std::string lower(std::string text) {
  for (char& c : text) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return text;
}

bool file_exists(const std::string& path) {
  struct stat info {};
  return !path.empty() && ::stat(path.c_str(), &info) == 0 && S_ISREG(info.st_mode);
}

}  // namespace

std::string token_proxy_url_problem(std::string_view url) {
  const auto parts = parse_url(url);
  if (!parts) return fmt::format("token proxy URL \"{}\" is not a URL", url);
  if (parts->scheme != "https") {
    return fmt::format("token proxy URL \"{}\" must use https", url);
  }
  if (parts->has_userinfo || !parts->query.empty() || parts->has_fragment) {
    return fmt::format("token proxy URL \"{}\" must not have user info, a query or a fragment",
                       url);
  }
  return {};
}

std::string identity_binding_sni(std::string_view cluster_id) {
  const std::string salted = "identity-binding" + std::string(cluster_id);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(salted.data(), salted.size(), digest, &length, EVP_sha256(), nullptr);
  return lower("a" + base32hex(digest, length) + ".ests.aks");
}

std::optional<std::string> cluster_id_from_dns_names(const std::vector<std::string>& dns_names) {
  for (const std::string& name : dns_names) {
    if (name.size() > kSanPrefix.size() + kSanSuffix.size() &&
        name.compare(0, kSanPrefix.size(), kSanPrefix) == 0 &&
        name.compare(name.size() - kSanSuffix.size(), kSanSuffix.size(), kSanSuffix) == 0) {
      return name.substr(kSanPrefix.size(), name.size() - kSanPrefix.size() - kSanSuffix.size());
    }
  }
  return std::nullopt;
}

HttpClientOptions token_proxy_client_options(const TokenProxyConfig& config,
                                             HttpClientOptions base) {
  if (file_exists(config.ca_file)) {
    base.ca_file = config.ca_file;
    base.use_system_store = false;
  } else {
    base.ca_file.clear();
    base.use_system_store = true;
  }
  return base;
}

void retarget_to_token_proxy(HttpRequest& request, std::string_view proxy_url,
                             std::string_view sni_name) {
  if (std::string problem = token_proxy_url_problem(proxy_url); !problem.empty()) {
    throw MountError(SSCSI_INVALID_PARAMETERS,
                     fmt::format("proxy transport not available: {}", problem));
  }
  if (sni_name.empty() || sni_name.find_first_of(":/@ ") != std::string_view::npos) {
    throw MountError(SSCSI_INVALID_PARAMETERS,
                     fmt::format("proxy transport not available: SNI name \"{}\" is not a host "
                                 "name",
                                 sni_name));
  }
  const auto proxy = parse_url(proxy_url);
  const auto target = parse_url(request.url);
  if (!target) {
    throw MountError(SSCSI_INTERNAL, fmt::format("token URL \"{}\" is not a URL", request.url));
  }
  const std::string port = std::to_string(proxy->port);
  const bool ipv6 = proxy->host.find(':') != std::string::npos;
  const std::string proxy_host = ipv6 ? "[" + proxy->host + "]" : proxy->host;
  request.url = fmt::format("https://{}:{}{}{}{}", sni_name, port, target->path,
                            target->query.empty() ? "" : "?", target->query);
  request.connect_to.insert(request.connect_to.begin(),
                            fmt::format("{}:{}:{}:{}", sni_name, port, proxy_host, port));
  request.headers.emplace_back("Host", proxy->port == 443 ? proxy_host : proxy_host + ":" + port);
}

TokenProxySni::TokenProxySni(std::string configured, HttpClient* api_server_client,
                             std::string api_server_url)
    : configured_(std::move(configured)),
      client_(api_server_client),
      api_server_url_(std::move(api_server_url)) {}

std::string TokenProxySni::get(const CallControl& control) {
  if (!configured_.empty()) return configured_;
  std::lock_guard guard(mutex_);
  if (!computed_.empty()) return computed_;
  if (client_ == nullptr) {
    throw MountError(SSCSI_UNAVAILABLE,
                     "proxy transport not available: compute SNI name: no client for the API "
                     "server (set the token proxy SNI name in the plugin configuration)");
  }
  std::vector<std::string> names;
  try {
    names = client_->server_certificate_dns_names(api_server_url_, control);
  } catch (const std::exception& error) {
    throw MountError(SSCSI_UNAVAILABLE,
                     fmt::format("proxy transport not available: compute SNI name: extract "
                                 "cluster ID from API server certificate: {}",
                                 error.what()));
  }
  const auto cluster_id = cluster_id_from_dns_names(names);
  if (!cluster_id) {
    throw MountError(SSCSI_UNAVAILABLE,
                     "proxy transport not available: compute SNI name: cluster ID SAN not found "
                     "in API server certificate (set the token proxy SNI name in the plugin "
                     "configuration)");
  }
  computed_ = identity_binding_sni(*cluster_id);
  return computed_;
}

std::string default_api_server_url() {
  const char* port = std::getenv("KUBERNETES_SERVICE_PORT");
  return fmt::format("https://kubernetes.default.svc.cluster.local:{}",
                     port != nullptr && *port != '\0' ? port : "443");
}

}  // namespace sscsi::azure
