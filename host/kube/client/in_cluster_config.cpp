#include "kube/client/in_cluster_config.h"

#include <cstdlib>

#include <fmt/format.h>

#include "kube/client/credential_file.h"

namespace sscsi::kube {
namespace {

std::optional<int> parse_port(const std::string& text) {
  if (text.empty() || text.size() > 5) return std::nullopt;
  int port = 0;
  for (const char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    port = port * 10 + (c - '0');
  }
  if (port < 1 || port > 65535) return std::nullopt;
  return port;
}

}  // namespace

std::optional<std::string> process_env(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr) return std::nullopt;
  return std::string(value);
}

ClusterConfigResult load_in_cluster_config(const EnvLookup& env) {
  const std::optional<std::string> host = env("KUBERNETES_SERVICE_HOST");
  const std::optional<std::string> port_text = env("KUBERNETES_SERVICE_PORT");
  if (!host || host->empty() || !port_text || port_text->empty()) {
    return fmt::format(
        "in-cluster config: {} is not set; sscsi-host is not running in a pod, so pass "
        "--kubeconfig",
        !host || host->empty() ? "KUBERNETES_SERVICE_HOST" : "KUBERNETES_SERVICE_PORT");
  }
  if (host->find_first_of("/ \t\r\n@?#") != std::string::npos) {
    return fmt::format(
        "in-cluster config: KUBERNETES_SERVICE_HOST \"{}\" is not a host name or "
        "address",
        *host);
  }
  const std::optional<int> port = parse_port(*port_text);
  if (!port) {
    return fmt::format(
        "in-cluster config: KUBERNETES_SERVICE_PORT \"{}\" is not a port number "
        "(1-65535)",
        *port_text);
  }

  const std::optional<std::string> dir_override = env(kServiceAccountDirEnv);
  const std::filesystem::path directory =
      dir_override && !dir_override->empty() ? *dir_override : kServiceAccountDir;

  ClusterConfig config;
  // An IPv6 address needs brackets in a URL (unless the environment already has them).
  const bool bare_ipv6 = host->find(':') != std::string::npos && host->front() != '[';
  config.server = bare_ipv6 ? fmt::format("https://[{}]:{}", *host, *port)
                            : fmt::format("https://{}:{}", *host, *port);
  config.origin = fmt::format("in-cluster service account ({})", directory.string());
  config.token_file = directory / "token";
  config.certificate_authority.file = directory / "ca.crt";

  auto token = read_credential_file(config.token_file);
  if (const auto* error = std::get_if<std::string>(&token)) {
    return fmt::format("in-cluster config: service-account token {}", *error);
  }
  if (trim_token(std::get<SecretString>(token).view()).empty()) {
    return fmt::format("in-cluster config: service-account token {} is empty",
                       config.token_file.string());
  }
  const auto ca = read_credential_file(config.certificate_authority.file);
  if (const auto* error = std::get_if<std::string>(&ca)) {
    return fmt::format("in-cluster config: service-account CA {}", *error);
  }
  return config;
}

}  // namespace sscsi::kube
