#pragma once
// Builds the host's API client from a loaded cluster configuration and the client options.

#include <memory>

#include "kube/api_client.h"
#include "kube/client/client_options.h"
#include "kube/client/cluster_config.h"

namespace sscsi::kube {

// Throws std::invalid_argument when `options` are out of range; the message names the option.
std::unique_ptr<ApiClient> make_api_client(const ClusterConfig& config,
                                           const ClientOptions& options);

}  // namespace sscsi::kube
