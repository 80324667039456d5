#pragma once
// One instance of the Azure Key Vault provider: what create makes and every mount uses. It
// owns what mounts share — the HTTP client with its pooled connections, the token cache, the
// per-vault challenge cache — so later mounts skip round trips earlier ones paid for. The C
// entry points in provider_entry.cpp forward here.

#include <sscsi/provider.h>

#include <memory>
#include <string_view>

#include "http/http_client.h"
#include "http/retrying_transport.h"
#include "identity/challenge_cache.h"
#include "identity/identity_binding.h"
#include "identity/notice_once.h"
#include "identity/token_cache.h"
#include "identity/token_source.h"
#include "provider/keyvault_metrics.h"
#include "provider/provider_config.h"

namespace sscsi::azure {

class AzureProvider {
 public:
  // Throws std::invalid_argument for a bad configuration (the host reports it as
  // SSCSI_INVALID_PARAMETERS) and std::runtime_error when the host refuses the metric.
  static std::unique_ptr<AzureProvider> create(const sscsi_host_api& host, const char* config_json);

  AzureProvider(const sscsi_host_api& host, ProviderConfig config);

  // Answers one mount through `sink`. Safe to call concurrently.
  void mount(const sscsi_mount_request* request, const sscsi_mount_sink& sink);

 private:
  void answer(const sscsi_mount_request& request, const sscsi_mount_sink& sink);
  void log(sscsi_log_level level, std::string_view message) const;

  const sscsi_host_api& host_;
  const ProviderConfig config_;
  const KeyVaultMetrics metrics_;
  HttpClient http_;
  RetryingTransport keyvault_http_;  // Key Vault and Entra ID: Azure SDK retry set
  RetryingTransport imds_http_;      // IMDS: azidentity's managed-identity retry set
  // Identity binding: one client trusting the cluster CA serves both the token proxy and the
  // API server, whose certificate names the proxy's SNI.
  HttpClient cluster_http_;
  TokenProxySni token_proxy_sni_;
  TokenCache tokens_;
  ChallengeCache challenges_;
  NoticeOnce notices_;
  IdentityServices identity_;  // what every mount's token source uses; points at the above
};

}  // namespace sscsi::azure
