#pragma once
// Where the API server is and how to prove who we are to it: what a kubeconfig or the pod's
// service-account directory says, checked and resolved (relative paths made absolute, base64
// decoded), ready for the HTTP client. Credential bytes are held in SecretStrings.

#include <filesystem>
#include <string>
#include <variant>

#include "kube/client/secret_string.h"

namespace sscsi::kube {

// PEM bytes given either inline or as a file the client reads itself. At most one is set; both
// empty means "not configured".
struct PemSource {
  std::filesystem::path file;
  SecretString data;

  bool empty() const { return file.empty() && data.empty(); }
};

struct ClusterConfig {
  // https://host:port[/prefix], without a trailing slash. Plain http is refused at load time.
  std::string server;
  // Where this came from, for messages: "kubeconfig /root/.kube/config (context \"admin\")" or
  // "in-cluster service account (/var/run/secrets/kubernetes.io/serviceaccount)".
  std::string origin;
  // The CA that signs the server's certificate; empty: the system trust store.
  PemSource certificate_authority;
  // Bearer token: a fixed value, or a file re-read when it changes (bound service-account
  // tokens rotate). At most one is set.
  SecretString token;
  std::filesystem::path token_file;
  // TLS client authentication: both set or both empty.
  PemSource client_certificate;
  PemSource client_key;
};

using ClusterConfigResult = std::variant<ClusterConfig, std::string>;

// The service-account directory used in a pod; the environment variable SSCSI_SERVICEACCOUNT_DIR
// replaces it (tests point it at a directory of their own).
inline constexpr const char* kServiceAccountDir = "/var/run/secrets/kubernetes.io/serviceaccount";
inline constexpr const char* kServiceAccountDirEnv = "SSCSI_SERVICEACCOUNT_DIR";

// An empty path means in-cluster (KUBERNETES_SERVICE_HOST/_PORT plus the service-account
// token and ca.crt); otherwise the kubeconfig file at `kubeconfig_path`, current context. The
// error is one line naming the file (or variable) and the field at fault.
ClusterConfigResult load_cluster_config(const std::filesystem::path& kubeconfig_path);

}  // namespace sscsi::kube
