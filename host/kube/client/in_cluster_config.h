#pragma once
// The in-cluster configuration of a pod: KUBERNETES_SERVICE_HOST / KUBERNETES_SERVICE_PORT and
// the service-account directory (token, ca.crt).

#include <functional>
#include <optional>
#include <string>

#include "kube/client/cluster_config.h"

namespace sscsi::kube {

// Looks up an environment variable; nullopt when it is not set.
using EnvLookup = std::function<std::optional<std::string>(const char* name)>;

// The process environment.
std::optional<std::string> process_env(const char* name);

ClusterConfigResult load_in_cluster_config(const EnvLookup& env = process_env);

}  // namespace sscsi::kube
