#include "kube/client/api_client_factory.h"

#include "kube/client/curl_api_client.h"

namespace sscsi::kube {

std::unique_ptr<ApiClient> make_api_client(const ClusterConfig& config,
                                           const ClientOptions& options) {
  return std::make_unique<CurlApiClient>(config, options);
}

}  // namespace sscsi::kube
