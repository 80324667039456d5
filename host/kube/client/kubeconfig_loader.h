#pragma once
// Reads a kubeconfig file: current-context -> context -> cluster + user. Supported: server,
// certificate-authority(-data), token, tokenFile, client-certificate(-data), client-key(-data).
// Refused with an error naming the field: insecure-skip-tls-verify: true, plain http servers,
// exec and auth-provider plugins, basic auth, impersonation, proxy-url, tls-server-name.

#include <filesystem>

#include "kube/client/cluster_config.h"

namespace sscsi::kube {

ClusterConfigResult load_kubeconfig(const std::filesystem::path& path);

}  // namespace sscsi::kube
