#pragma once
// Identity binding (useAzureTokenProxy, reference §3.4): the workload-identity token form, sent
// not to Entra ID but to the cluster's token proxy. The request keeps its path
// (/{tenant}/oauth2/v2.0/token) and goes to the proxy's host, with a TLS server name (SNI) that
// AKS derives from the cluster: "a" + base32hex(SHA-256("identity-binding" + clusterID)) +
// ".ests.aks", lower case, where the cluster ID comes from the API server certificate's SAN
// "hcp-kubernetes.<clusterID>.svc.cluster.local". libcurl has no separate SNI option, so the
// request URL names the SNI host, CONNECT_TO sends it to the proxy, and the Host header names
// the proxy (the certificate is verified against the SNI name, as Go's tls.Config does).

#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/call_control.h"
#include "http/http_client_options.h"
#include "http/http_message.h"

namespace sscsi::azure {

struct TokenProxyConfig {
  std::string url = "https://kubernetes.default.svc.cluster.local";
  // Trusted for the proxy when the file exists (else the system store), as upstream.
  std::string ca_file = "/var/run/secrets/kubernetes.io/serviceaccount/ca.crt";
  // "" = computed from the API server certificate (cluster_id_from_dns_names).
  std::string sni_name;
};

// "" when `url` is usable: https, a host, no query, fragment or user info. Otherwise the
// problem, in upstream's spirit ("token proxy URL ... must ...").
std::string token_proxy_url_problem(std::string_view url);

// The SNI name for a cluster ID (reference §10.1 case 42).
std::string identity_binding_sni(std::string_view cluster_id);

// The cluster ID from the API server certificate's DNS names; nullopt when none has the
// "hcp-kubernetes.<id>.svc.cluster.local" form (or the ID is empty).
std::optional<std::string> cluster_id_from_dns_names(const std::vector<std::string>& dns_names);

// HTTP client options for talking to the proxy: `base` trusting ca_file alone when it exists.
HttpClientOptions token_proxy_client_options(const TokenProxyConfig& config,
                                             HttpClientOptions base);

// Points a token request (built for Entra ID) at the proxy, with `sni_name` as TLS server
// name. Throws MountError (SSCSI_INVALID_PARAMETERS) `proxy transport not available: ...` when
// the proxy URL is unusable.
void retarget_to_token_proxy(HttpRequest& request, std::string_view proxy_url,
                             std::string_view sni_name);

class HttpClient;

// The token proxy's SNI name: the configured one, or computed once from the API server's
// certificate (fetched through `api_server_client`, which trusts the cluster CA) and then
// remembered. A failure is not remembered: the next mount tries again. Thread-safe.
class TokenProxySni {
 public:
  // api_server_url: "https://kubernetes.default.svc.cluster.local:<KUBERNETES_SERVICE_PORT>".
  TokenProxySni(std::string configured, HttpClient* api_server_client, std::string api_server_url);

  // Throws MountError (SSCSI_UNAVAILABLE) "proxy transport not available: compute SNI name:
  // ..." when it cannot be computed.
  std::string get(const CallControl& control);

 private:
  const std::string configured_;
  HttpClient* const client_;
  const std::string api_server_url_;
  std::mutex mutex_;
  std::string computed_;
};

// "https://kubernetes.default.svc.cluster.local:<$KUBERNETES_SERVICE_PORT or 443>"
std::string default_api_server_url();

}  // namespace sscsi::azure
